package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Local schema files, without a registry: what --value-schema FILE reads
// for records that carry no registry framing (--unframed), or to decode
// framed records with the schema at hand. What a file refers to is found on
// disk, in the import paths (the file's own directory first, then each
// --schema-path): a Protobuf import by its path, as protoc finds it; an Avro
// named type the file uses but does not define in FULLNAME.avsc, NAME.avsc
// or NAMESPACE/DIRS/NAME.avsc, the names avro-maven-plugin and Avro IDL
// projects give their files. The files found become the schema's
// references, as the registry would hand them over.

// LoadFile reads and compiles a schema file and what it refers to. typ
// overrides the type the file's name suggests; dirs are further import
// paths.
func LoadFile(path, typ string, dirs []string) (*Schema, error) {
	t, err := fileType(path, typ)
	if err != nil {
		return nil, err
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	paths := append([]string{filepath.Dir(path)}, dirs...)
	var refs []reference
	switch t {
	case sr.TypeProtobuf:
		refs, err = protoImports(string(text), paths)
	case sr.TypeAvro:
		refs, err = avroImports(string(text), paths)
	}
	if err != nil {
		if t == sr.TypeProtobuf { // its errors start with the file's name
			return nil, inFile(err, path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s, err := compile(t, string(text), refs)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid %s schema: %w", path, typeName(t), inFile(err, path))
	}
	s.Path = path
	return s, nil
}

// inFile names the file in a Protobuf compiler error, which calls it by
// the name it was compiled under.
func inFile(err error, path string) error {
	if msg := err.Error(); strings.Contains(msg, protoMain) {
		return errors.New(strings.ReplaceAll(msg, protoMain, path))
	}
	return err
}

func fileType(path, typ string) (sr.SchemaType, error) {
	if typ != "" {
		return ParseType(typ)
	}
	return TypeOfFile(path)
}

// protoImports compiles text with its imports read from the import paths
// and returns the imported files, each after those it imports. The
// well-known google/protobuf ones are built in, as in the registry.
func protoImports(text string, paths []string) ([]reference, error) {
	var mu sync.Mutex
	read := map[string]string{}
	src := &protocompile.SourceResolver{Accessor: func(name string) (io.ReadCloser, error) {
		if name == protoMain {
			return io.NopCloser(strings.NewReader(text)), nil
		}
		for _, dir := range paths {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			mu.Lock()
			read[name] = string(b)
			mu.Unlock()
			return io.NopCloser(bytes.NewReader(b)), nil
		}
		return nil, fmt.Errorf("import %q is in none of %s (add its directory with --schema-path)", name, strings.Join(paths, ", "))
	}}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(src)}
	files, err := c.Compile(context.Background(), protoMain)
	if err != nil {
		return nil, err
	}
	var out []reference
	seen := map[string]bool{}
	var walk func(fd protoreflect.FileDescriptor)
	walk = func(fd protoreflect.FileDescriptor) {
		imports := fd.Imports()
		for i := range imports.Len() {
			dep := imports.Get(i).FileDescriptor
			name := dep.Path()
			if _, fromDisk := read[name]; !fromDisk || seen[name] {
				continue
			}
			seen[name] = true
			walk(dep)
			out = append(out, reference{name: name, text: read[name]})
		}
	}
	walk(files[0])
	return out, nil
}

// avroImports finds the named types text uses but does not define in files
// under the import paths, and returns them, each after those it uses.
func avroImports(text string, paths []string) ([]reference, error) {
	var out []reference
	defined := map[string]bool{}
	visiting := map[string]bool{}
	var load func(text, from string) error
	load = func(text, from string) error {
		defs, uses, err := avroNames(text)
		if err != nil {
			return err
		}
		for _, d := range defs {
			defined[d] = true
		}
		for _, u := range uses {
			if defined[u] || visiting[u] {
				continue
			}
			file, body, err := findAvroType(u, paths)
			if err != nil {
				return fmt.Errorf("%s uses the type %s: %w", from, u, err)
			}
			visiting[u] = true
			if err := load(body, file); err != nil {
				return err
			}
			if !defined[u] {
				return fmt.Errorf("%s uses the type %s, which %s does not define", from, u, file)
			}
			out = append(out, reference{name: u, text: body})
		}
		return nil
	}
	return out, load(text, "the schema")
}

func findAvroType(fullname string, paths []string) (file, text string, err error) {
	ns, name := "", fullname
	if i := strings.LastIndexByte(fullname, '.'); i >= 0 {
		ns, name = fullname[:i], fullname[i+1:]
	}
	candidates := []string{fullname + ".avsc", name + ".avsc"}
	if ns != "" {
		candidates = append(candidates, filepath.Join(append(strings.Split(ns, "."), name+".avsc")...))
	}
	for _, dir := range paths {
		for _, c := range candidates {
			p := filepath.Join(dir, c)
			b, err := os.ReadFile(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return "", "", err
			}
			return p, string(b), nil
		}
	}
	return "", "", fmt.Errorf("it is defined in none of %s in %s (add its directory with --schema-path)",
		strings.Join(candidates, ", "), strings.Join(paths, ", "))
}

var avroPrimitives = []string{"null", "boolean", "int", "long", "float", "double", "bytes", "string"}

// avroNames lists the full names of the named types (record, error, enum,
// fixed) an Avro schema defines and of those it refers to, with the
// specification's namespace rules.
func avroNames(text string) (defs, uses []string, err error) {
	var root any
	if err := json.Unmarshal([]byte(text), &root); err != nil {
		return nil, nil, fmt.Errorf("not JSON: %w", err)
	}
	full := func(name, ns string) string {
		if strings.Contains(name, ".") || ns == "" {
			return name
		}
		return ns + "." + name
	}
	var walk func(node any, ns string)
	walk = func(node any, ns string) {
		switch n := node.(type) {
		case string:
			if !slices.Contains(avroPrimitives, n) {
				uses = append(uses, full(n, ns))
			}
		case []any:
			for _, b := range n {
				walk(b, ns)
			}
		case map[string]any:
			switch typ, _ := n["type"].(string); typ {
			case "record", "error", "enum", "fixed":
				name, _ := n["name"].(string)
				if space, ok := n["namespace"].(string); ok && !strings.Contains(name, ".") {
					ns = space
				}
				name = full(name, ns)
				if i := strings.LastIndexByte(name, '.'); i >= 0 {
					ns = name[:i]
				} else {
					ns = ""
				}
				defs = append(defs, name)
				fields, _ := n["fields"].([]any)
				for _, f := range fields {
					if fm, ok := f.(map[string]any); ok {
						walk(fm["type"], ns)
					}
				}
			case "array":
				walk(n["items"], ns)
			case "map":
				walk(n["values"], ns)
			default:
				walk(n["type"], ns)
			}
		}
	}
	walk(root, "")
	return defs, uses, nil
}
