package schema

import "testing"

// schema get --id shows the schema's id and type, then who uses it; JSON
// schemas are indented for reading and other text is left as it is.
func TestByIDGridsAndIndent(t *testing.T) {
	b := &ByID{Version: Version{ID: 7, Type: "AVRO"}, UsedBy: []Reference{{Subject: "orders-value", Version: 2}}}
	g := b.Grids()
	if g[0].Rows[0][0] != "7" || g[0].Rows[0][1] != "AVRO" || g[1].Rows[0][0] != "orders-value" || g[1].Rows[0][1] != "2" {
		t.Errorf("grids %+v %+v", g[0].Rows, g[1].Rows)
	}
	if got := IndentJSON(`{"type":"string"}`); got != "{\n  \"type\": \"string\"\n}" {
		t.Errorf("indented %q", got)
	}
	if proto := "syntax = \"proto3\";"; IndentJSON(proto) != proto {
		t.Error("a .proto text was changed")
	}
}
