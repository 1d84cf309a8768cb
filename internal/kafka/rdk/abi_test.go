package rdk

// The ABI guard of the hand-written librdkafka binding: rdk.h declares the
// librdkafka functions, structs and constants it uses instead of including
// rdkafka.h (cgo cannot name a header in another module's directory, and a
// copy of it here could drift just the same). This test reads rdk.h, finds
// the rdkafka.h of the confluent-kafka-go module in use (whose static
// library is the librdkafka linked in) and checks, with the C compiler:
//
//   - every extern prototype of rdk.h, redeclared after rdkafka.h with our
//     sc_rdk_* type names standing for librdkafka's: the compiler rejects a
//     redeclaration whose type is not compatible (a parameter added, a type
//     changed), and says which one;
//   - every struct rdk.h declares in librdkafka's stead: its size and each
//     field's offset and size;
//   - every enum typedef (its size) and constant (its value).
//
// What to check comes from rdk.h itself (see the rules at its top), so a
// declaration added there is checked without changing this test; one it
// cannot place (an sc_rdk_* type or a constant naming no librdkafka
// counterpart) fails it.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// abiDecls is what rdk.h declares of librdkafka's ABI.
type abiDecls struct {
	typedefs []abiLine   // opaque struct typedefs (typedef struct x_s x_t;)
	structs  []abiStruct // structs laid out as librdkafka's
	enums    []abiType   // enum typedefs standing for librdkafka's
	consts   []abiConst  // enum constants and #defines with librdkafka's values
	protos   []abiLine   // extern prototypes
}

// abiLine is a declaration and the rdk.h line it starts on.
type abiLine struct {
	text string
	line int
}

type abiType struct {
	ours, real string
	line       int
}

type abiStruct struct {
	abiType
	fields []abiLine // field names
}

type abiConst struct {
	ours, real string
	line       int
}

var (
	reRealType  = regexp.MustCompile(`\brd_kafka_\w+_t\b`)
	reRealConst = regexp.MustCompile(`\bRD_KAFKA_\w+\b`)
	reIdent     = regexp.MustCompile(`[A-Za-z_]\w*`)
	reDefine    = regexp.MustCompile(`^\s*#\s*define\s+(\w+)\s`)
	reFuncField = regexp.MustCompile(`\(\s*\*\s*(\w+)\s*\)`)
)

// parseRDKHeader reads the librdkafka declarations of rdk.h's text.
func parseRDKHeader(src string) (abiDecls, error) {
	// code is src with comments and preprocessor lines blanked (offsets and
	// lines kept); comments[i] is line i's // comment.
	srcLines := strings.Split(src, "\n")
	comments := make([]string, len(srcLines)+1)
	var code strings.Builder
	var d abiDecls
	var problems []string
	for i, l := range srcLines {
		line := i + 1
		c, comment, _ := strings.Cut(l, "//")
		comments[line] = comment
		if strings.HasPrefix(strings.TrimSpace(c), "#") {
			if m := reDefine.FindStringSubmatch(c); m != nil {
				if real := reRealConst.FindString(comment); real != "" {
					d.consts = append(d.consts, abiConst{ours: m[1], real: real, line: line})
				}
			}
			c = ""
		}
		if strings.Contains(c, "/*") {
			return d, fmt.Errorf("rdk.h:%d: /* */ comments are not read by the ABI guard; use //", line)
		}
		code.WriteString(c + strings.Repeat(" ", len(l)-len(c)) + "\n")
	}
	text := code.String()
	lineAt := func(off int) int { return strings.Count(text[:off], "\n") + 1 }

	// Top-level statements: up to a ';' outside braces.
	depth, start := 0, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ';':
			if depth > 0 {
				continue
			}
			stmt := text[start : i+1]
			off := start + len(stmt) - len(strings.TrimLeft(stmt, " \t\n"))
			start = i + 1
			if err := d.add(strings.TrimSpace(stmt), off, lineAt, comments, &problems); err != nil {
				return d, err
			}
		}
	}
	if len(problems) > 0 {
		return d, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return d, nil
}

// add reads one top-level statement of rdk.h, starting at offset off.
func (d *abiDecls) add(stmt string, off int, lineAt func(int) int, comments []string, problems *[]string) error {
	line := lineAt(off)
	words := reIdent.FindAllString(stmt, 3)
	open := strings.Index(stmt, "{")
	if open < 0 {
		switch {
		case len(words) > 0 && words[0] == "extern":
			d.protos = append(d.protos, abiLine{stmt, line})
		case len(words) > 1 && words[0] == "typedef" && words[1] == "struct":
			d.typedefs = append(d.typedefs, abiLine{stmt, line})
		}
		return nil // else one of ours (sc_* functions)
	}
	openLine := lineAt(off + open)
	body := stmt[open+1 : strings.LastIndex(stmt, "}")]
	name := reIdent.FindAllString(stmt[strings.LastIndex(stmt, "}"):], -1)
	ours := ""
	if len(name) > 0 {
		ours = name[len(name)-1]
	}
	real := ours
	if !strings.HasPrefix(ours, "rd_kafka_") {
		real = reRealType.FindString(comments[openLine])
	}
	switch {
	case len(words) > 1 && words[0] == "typedef" && words[1] == "struct":
		if real == "" {
			if strings.HasPrefix(ours, "sc_rdk_") {
				*problems = append(*problems, fmt.Sprintf("rdk.h:%d: struct %s names no librdkafka type: add it in a comment on the opening line (// rd_kafka_..._t)", openLine, ours))
			}
			return nil // one of ours (sc_producer...)
		}
		s := abiStruct{abiType: abiType{ours, real, line}}
		for _, f := range splitTop(body, ';') {
			for _, decl := range splitTop(f.text, ',') {
				name := fieldName(decl.text)
				if name == "" {
					return fmt.Errorf("rdk.h:%d: the ABI guard cannot read the field %q of %s", lineAt(off+open+1+f.off+decl.off), strings.TrimSpace(decl.text), ours)
				}
				s.fields = append(s.fields, abiLine{name, lineAt(off + open + 1 + f.off + decl.off)})
			}
		}
		d.structs = append(d.structs, s)
	case len(words) > 1 && words[0] == "typedef" && words[1] == "enum":
		if real == "" {
			*problems = append(*problems, fmt.Sprintf("rdk.h:%d: enum %s names no librdkafka type: add it in a comment on the opening line (// rd_kafka_..._t)", openLine, ours))
		}
		d.enums = append(d.enums, abiType{ours, real, line})
		d.enumerators(body, off+open+1, lineAt, comments, problems)
	case len(words) > 0 && words[0] == "enum":
		d.enumerators(body, off+open+1, lineAt, comments, problems)
	default:
		return fmt.Errorf("rdk.h:%d: the ABI guard cannot read this declaration: %.60s", line, stmt)
	}
	return nil
}

// enumerators reads the constants of an enum body starting at offset off;
// each must name its librdkafka constant.
func (d *abiDecls) enumerators(body string, off int, lineAt func(int) int, comments []string, problems *[]string) {
	for _, e := range splitTop(body, ',') {
		name := reIdent.FindString(e.text)
		if name == "" {
			continue // after the last comma
		}
		line := lineAt(off + e.off + strings.Index(e.text, name))
		real := reRealConst.FindString(comments[line])
		if real == "" {
			*problems = append(*problems, fmt.Sprintf("rdk.h:%d: %s names no librdkafka constant: add it in a comment on its line (// RD_KAFKA_...)", line, name))
			continue
		}
		d.consts = append(d.consts, abiConst{ours: name, real: real, line: line})
	}
}

// part is a piece of a split text and its offset in it.
type part struct {
	text string
	off  int
}

// splitTop splits s at sep outside parentheses and brackets, dropping blank
// pieces.
func splitTop(s string, sep byte) []part {
	var out []part
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '(', '[':
				depth++
				continue
			case ')', ']':
				depth--
				continue
			}
			if s[i] != sep || depth > 0 {
				continue
			}
		}
		if strings.TrimSpace(s[start:i]) != "" {
			out = append(out, part{s[start:i], start})
		}
		start = i + 1
	}
	return out
}

// fieldName is the name a field declarator declares: the last identifier
// but for a function pointer's, (*name)(...).
func fieldName(decl string) string {
	if m := reFuncField.FindStringSubmatch(decl); m != nil {
		return m[1]
	}
	if i := strings.IndexAny(decl, "[:"); i >= 0 {
		decl = decl[:i]
	}
	ids := reIdent.FindAllString(decl, -1)
	if len(ids) == 0 {
		return ""
	}
	return ids[len(ids)-1]
}

// layoutProgram is a C program printing, one per line, each checked
// struct's size and field offsets and sizes, each enum's size and each
// constant's value, under librdkafka's names: with real, as rdkafka.h has
// them (after the prototypes redeclared), else as rdk.h does. #line
// directives make the compiler's errors name rdk.h's lines.
func (d abiDecls) layoutProgram(real bool) string {
	var b strings.Builder
	at := func(line int) { fmt.Fprintf(&b, "#line %d \"rdk.h\"\n", line) }
	b.WriteString("#include <stddef.h>\n#include <stdio.h>\n")
	if real {
		b.WriteString("#include \"rdkafka.h\"\n")
		for _, t := range d.typedefs {
			at(t.line)
			b.WriteString(t.text + "\n")
		}
		// Our names for librdkafka's types, in the prototypes.
		for _, s := range d.structs {
			if s.ours != s.real {
				fmt.Fprintf(&b, "#define %s %s\n", s.ours, s.real)
			}
		}
		for _, e := range d.enums {
			fmt.Fprintf(&b, "#define %s %s\n", e.ours, e.real)
		}
		for _, p := range d.protos {
			at(p.line)
			b.WriteString(p.text + "\n")
		}
	} else {
		b.WriteString("#include \"rdk.h\"\n")
	}
	b.WriteString("int main(void) {\n")
	for _, s := range d.structs {
		name := s.ours
		if real {
			name = s.real
		}
		at(s.line)
		fmt.Fprintf(&b, "printf(\"size %s %%zu\\n\", sizeof(%s));\n", s.real, name)
		for _, f := range s.fields {
			at(f.line)
			fmt.Fprintf(&b, "printf(\"field %s.%s %%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));\n",
				s.real, f.text, name, f.text, name, f.text)
		}
	}
	for _, e := range d.enums {
		name := e.ours
		if real {
			name = e.real
		}
		at(e.line)
		fmt.Fprintf(&b, "printf(\"size %s %%zu\\n\", sizeof(%s));\n", e.real, name)
	}
	for _, c := range d.consts {
		name := c.ours
		if real {
			name = c.real
		}
		at(c.line)
		fmt.Fprintf(&b, "printf(\"value %s %%lld\\n\", (long long)(%s));\n", c.real, name)
	}
	if real {
		b.WriteString("printf(\"version %d\\n\", RD_KAFKA_VERSION);\n")
	}
	b.WriteString("return 0;\n}\n")
	return b.String()
}

// runC compiles and runs a C program with include dir inc and returns its
// output as key -> value lines ("size rd_kafka_message_t" -> "72").
func runC(t *testing.T, name, prog, inc string) (map[string]string, error) {
	t.Helper()
	dir := t.TempDir()
	src, bin := filepath.Join(dir, name+".c"), filepath.Join(dir, name)
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	cc := strings.Fields(goEnv(t, "CC"))
	if len(cc) == 0 {
		cc = []string{"gcc"}
	}
	compile := exec.Command(cc[0], append(cc[1:], "-std=gnu11", "-Werror=incompatible-pointer-types", "-I", inc, "-o", bin, src)...)
	compile.Env = append(os.Environ(), "LC_ALL=C") // plain quotes in messages
	out, err := compile.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s", compilerErrors(string(out)))
	}
	out, err = exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("running the %s layout program: %v", name, err)
	}
	kv := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if i := strings.LastIndex(l, " "); i > 0 && strings.HasPrefix(l, "field ") {
			j := strings.LastIndex(l[:i], " ")
			kv[l[:j]] = l[j+1:]
		} else if i > 0 {
			kv[l[:i]] = l[i+1:]
		}
	}
	return kv, nil
}

// compilerErrors keeps the compiler's error and note lines.
func compilerErrors(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "error:") || strings.Contains(l, "note:") {
			keep = append(keep, "  "+l)
		}
	}
	if len(keep) == 0 {
		return out
	}
	return strings.Join(keep, "\n")
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command(goTool(), "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// abiMismatches checks rdk.h's declarations (in dir rdkDir) against the
// rdkafka.h in dir hdrDir and returns what differs, and the header's
// RD_KAFKA_VERSION.
func abiMismatches(t *testing.T, rdkDir, hdrDir string) ([]string, int) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(rdkDir, "rdk.h"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseRDKHeader(string(src))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := runC(t, "ours", d.layoutProgram(false), rdkDir)
	if err != nil {
		t.Fatalf("rdk.h does not compile on its own:\n%v", err)
	}
	real, err := runC(t, "real", d.layoutProgram(true), hdrDir)
	if err != nil {
		return []string{"the compiler rejects rdk.h's declarations next to rdkafka.h's:\n" + err.Error()}, 0
	}
	var problems []string
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range ours {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		o, r := ours[k], real[k]
		if o == r {
			continue
		}
		kind, what, _ := strings.Cut(k, " ")
		switch kind {
		case "field":
			problems = append(problems, fmt.Sprintf("%s: %s in rdk.h, %s in rdkafka.h", what, placed(o), placed(r)))
		case "size":
			problems = append(problems, fmt.Sprintf("%s: %s bytes in rdk.h, %s in rdkafka.h", what, o, r))
		case "value":
			problems = append(problems, fmt.Sprintf("%s: %s in rdk.h, %s in rdkafka.h", what, o, r))
		}
	}
	version, _ := strconv.Atoi(real["version"])
	return problems, version
}

// placed words a field's "offset size" line.
func placed(offSize string) string {
	off, size, _ := strings.Cut(offSize, " ")
	return "offset " + off + ", " + size + " bytes"
}

// confluentHeaderDir is the directory of the rdkafka.h bundled with the
// confluent-kafka-go module in use, and the module's version.
func confluentHeaderDir(t *testing.T) (string, string) {
	t.Helper()
	out, err := exec.Command(goTool(), "list", "-m", "-f", "{{.Dir}} {{.Version}}", "github.com/confluentinc/confluent-kafka-go/v2").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/confluentinc/confluent-kafka-go/v2: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	return filepath.Join(dir, "kafka", "librdkafka_vendor"), version
}

// rdk.h matches the rdkafka.h of the confluent-kafka-go in use, which is
// the header of the librdkafka linked in.
func TestABIMatchesBundledLibrdkafka(t *testing.T) {
	hdrDir, version := confluentHeaderDir(t)
	problems, hdrVersion := abiMismatches(t, ".", hdrDir)
	if len(problems) > 0 {
		t.Fatalf("internal/kafka/rdk/rdk.h declares librdkafka's API by hand and no longer matches the rdkafka.h of confluent-kafka-go %s (%s):\n%s\n"+
			"Update rdk.h to the new header, and rdk.c, rdk.go and rdk_reader.go where they use what changed.",
			version, filepath.Join(hdrDir, "rdkafka.h"), strings.Join(problems, "\n"))
	}
	if linked, s := ck.LibraryVersion(); linked != hdrVersion {
		t.Fatalf("rdkafka.h of confluent-kafka-go %s is librdkafka %#x, but the library linked in is %#x (%s): the guard checked the wrong header", version, hdrVersion, linked, s)
	}
}

// The guard catches the changes a librdkafka upgrade can bring, each
// made in a copy of the header: a field inserted, a field renamed, a struct
// grown, a constant renumbered, a parameter's type changed.
func TestABIGuardCatchesHeaderChanges(t *testing.T) {
	hdrDir, _ := confluentHeaderDir(t)
	orig, err := os.ReadFile(filepath.Join(hdrDir, "rdkafka.h"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"field inserted", "        int64_t offset;          /**< Consumer:", "        int64_t leader_epoch; int64_t offset; /**< Consumer:", "rd_kafka_message_t._private: offset 64, 8 bytes in rdk.h, offset 72, 8 bytes in rdkafka.h"},
		{"field renamed", "        rd_kafka_resp_err_t err; /**< Non-zero for error signaling. */", "        rd_kafka_resp_err_t error_code;", "no member named 'err'"},
		{"struct grown", "        rd_kafka_topic_partition_t *elems; /**< Element array[] */", "        rd_kafka_topic_partition_t *elems; void *extra;", "rd_kafka_topic_partition_list_t: 16 bytes in rdk.h, 24 in rdkafka.h"},
		{"constant renumbered", "        RD_KAFKA_RESP_ERR__FATAL = -150,", "        RD_KAFKA_RESP_ERR__FATAL = -149,", "RD_KAFKA_RESP_ERR__FATAL: -150 in rdk.h, -149 in rdkafka.h"},
		{"parameter type changed", "RD_EXPORT\nint rd_kafka_poll(rd_kafka_t *rk, int timeout_ms);", "RD_EXPORT\nint rd_kafka_poll(rd_kafka_t *rk, int64_t timeout_ms);", "conflicting types for 'rd_kafka_poll'"},
		{"parameter added", "rd_kafka_topic_partition_list_new(int size);", "rd_kafka_topic_partition_list_new(int size, int flags);", "conflicting types for 'rd_kafka_topic_partition_list_new'"},
		{"enum widened", "        RD_KAFKA_CONSUMER  /**< Consumer client */", "        RD_KAFKA_CONSUMER = 0x100000000LL", "rd_kafka_type_t: 4 bytes in rdk.h, 8 in rdkafka.h"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !bytes.Contains(orig, []byte(c.old)) {
				t.Fatalf("rdkafka.h no longer contains %q: pick another line to change", c.old)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "rdkafka.h"), bytes.Replace(orig, []byte(c.old), []byte(c.new), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			problems, _ := abiMismatches(t, ".", dir)
			if all := strings.Join(problems, "\n"); !strings.Contains(all, c.want) {
				t.Errorf("want a problem with %q, got:\n%s", c.want, all)
			}
		})
	}
}

// rdk.h's rules (see its top) are enforced: a librdkafka type or constant
// that names no librdkafka counterpart fails the guard, rather than going
// unchecked.
func TestABIGuardNeedsEveryDeclarationNamed(t *testing.T) {
	for src, want := range map[string]string{
		"enum {\n\tSC_ERR_X = -1,\n};\n":                       "rdk.h:2: SC_ERR_X names no librdkafka constant",
		"typedef struct {\n\tint a;\n} sc_rdk_thing_t;\n":      "rdk.h:1: struct sc_rdk_thing_t names no librdkafka type",
		"typedef enum {\n\tSC_A = 0, // RD_KAFKA_A\n} sc_e;\n": "rdk.h:1: enum sc_e names no librdkafka type",
		"/* old style */\n":                                    "rdk.h:1: /* */ comments are not read",
	} {
		if _, err := parseRDKHeader(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parsing %q: %v, want %q", src, err, want)
		}
	}
	// What the guard reads of rdk.h itself.
	src, err := os.ReadFile("rdk.h")
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseRDKHeader(string(src))
	if err != nil {
		t.Fatal(err)
	}
	var structs []string
	for _, s := range d.structs {
		var fields []string
		for _, f := range s.fields {
			fields = append(fields, f.text)
		}
		structs = append(structs, s.ours+"="+s.real+"("+strings.Join(fields, ",")+")")
	}
	for _, want := range []string{
		"sc_rdk_msg_t=rd_kafka_message_t(err,rkt,partition,payload,len,key,key_len,offset,_private)",
		"rd_kafka_topic_partition_list_t=rd_kafka_topic_partition_list_t(cnt,size,elems)",
	} {
		if !slices.Contains(structs, want) {
			t.Errorf("the guard reads the structs %v, want %s among them", structs, want)
		}
	}
	if len(d.protos) < 40 || len(d.consts) < 15 || len(d.typedefs) < 5 {
		t.Errorf("the guard reads %d prototypes, %d constants, %d typedefs of rdk.h: too few", len(d.protos), len(d.consts), len(d.typedefs))
	}
}
