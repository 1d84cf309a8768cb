package schema

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	// The well-known types, for serialized schemas that import them.
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// protobufCodec decodes Protobuf without generated classes: the registry's
// .proto text is compiled at run time and records become dynamic messages,
// written as the proto3 JSON mapping (lowerCamelCase field names, 64-bit
// integers as strings, fields at their default left out), as protoc's and
// every Protobuf library's JSON printers do.
type protobufCodec struct {
	file protoreflect.FileDescriptor
}

// protoMain is the name the schema's own file gets; references keep theirs
// (the import paths the schema uses).
const protoMain = "streamctl-schema.proto"

func compileProtobuf(text string, refs []reference) (codec, error) {
	if fdp, ok := serializedDescriptor(text); ok {
		return compileSerialized(fdp, refs)
	}
	files := map[string]string{protoMain: text}
	for _, r := range refs {
		files[r.name] = r.text
	}
	c := protocompile.Compiler{
		// google/protobuf/*.proto (timestamp, wrappers, ...) are built in, as
		// the registry's are.
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(files),
		}),
	}
	out, err := c.Compile(context.Background(), protoMain)
	if err != nil {
		return nil, err
	}
	if out[0].Messages().Len() == 0 {
		return nil, errors.New("the .proto file defines no message")
	}
	return &protobufCodec{file: out[0]}, nil
}

// serializedDescriptor reads a schema registered as a base64
// FileDescriptorProto, as Confluent's Python and Go serializers register
// Protobuf schemas; registries may store and return it as is.
func serializedDescriptor(text string) (*descriptorpb.FileDescriptorProto, bool) {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text, " \n\t;{") {
		return nil, false // .proto source
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, false
	}
	fdp := &descriptorpb.FileDescriptorProto{}
	if proto.Unmarshal(raw, fdp) != nil || len(fdp.GetMessageType()) == 0 {
		return nil, false
	}
	return fdp, true
}

// compileSerialized builds a file from its descriptor; its imports are the
// references (either form) or the well-known types linked into streamctl.
func compileSerialized(fdp *descriptorpb.FileDescriptorProto, refs []reference) (codec, error) {
	files := new(protoregistry.Files)
	for _, r := range refs {
		var fd protoreflect.FileDescriptor
		if dep, ok := serializedDescriptor(r.text); ok {
			dep.Name = proto.String(r.name)
			var err error
			if fd, err = protodesc.NewFile(dep, resolvers{files, protoregistry.GlobalFiles}); err != nil {
				return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
			}
		} else {
			c, err := compileProtobuf(r.text, nil)
			if err != nil {
				return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
			}
			fd = c.(*protobufCodec).file
		}
		if err := files.RegisterFile(fd); err != nil {
			return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
		}
	}
	fd, err := protodesc.NewFile(fdp, resolvers{files, protoregistry.GlobalFiles})
	if err != nil {
		return nil, err
	}
	return &protobufCodec{file: fd}, nil
}

// resolvers looks a file or name up in each in turn.
type resolvers []*protoregistry.Files

func (rs resolvers) FindFileByPath(path string) (protoreflect.FileDescriptor, error) {
	for _, r := range rs {
		if fd, err := r.FindFileByPath(path); err == nil {
			return fd, nil
		}
	}
	return nil, protoregistry.NotFound
}

func (rs resolvers) FindDescriptorByName(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	for _, r := range rs {
		if d, err := r.FindDescriptorByName(name); err == nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

// message finds the message at a framing's index path: the first index
// picks a top-level message, each next one a message nested in it.
func (c *protobufCodec) message(index []int) (protoreflect.MessageDescriptor, error) {
	if len(index) == 0 {
		index = []int{0}
	}
	msgs := c.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range index {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message index %v is not in the schema (%d messages at that level)", index, msgs.Len())
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}

func (c *protobufCodec) appendJSON(dst, payload []byte, index []int) ([]byte, error) {
	md, err := c.message(index)
	if err != nil {
		return nil, err
	}
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(payload, m); err != nil {
		return nil, fmt.Errorf("not Protobuf of message %s: %w", md.FullName(), err)
	}
	b, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	// protojson varies its spacing on purpose (so nobody relies on it);
	// the envelope wants one compact line.
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// find returns the message with this full name ("" for the first top-level
// one) and its index path.
func (c *protobufCodec) find(name string) (protoreflect.MessageDescriptor, []int, error) {
	if name == "" {
		return c.file.Messages().Get(0), []int{0}, nil
	}
	name = strings.TrimPrefix(name, ".")
	var walk func(msgs protoreflect.MessageDescriptors, path []int) (protoreflect.MessageDescriptor, []int)
	walk = func(msgs protoreflect.MessageDescriptors, path []int) (protoreflect.MessageDescriptor, []int) {
		for i := 0; i < msgs.Len(); i++ {
			md := msgs.Get(i)
			p := append(slices.Clip(path), i)
			if string(md.FullName()) == name || string(md.Name()) == name && len(path) == 0 {
				return md, p
			}
			if found, fp := walk(md.Messages(), p); found != nil {
				return found, fp
			}
		}
		return nil, nil
	}
	if md, path := walk(c.file.Messages(), nil); md != nil {
		return md, path, nil
	}
	var names []string
	for i := 0; i < c.file.Messages().Len(); i++ {
		names = append(names, string(c.file.Messages().Get(i).FullName()))
	}
	return nil, nil, fmt.Errorf("no message %q in the schema (it has %s)", name, strings.Join(names, ", "))
}

func (c *protobufCodec) encoder(message string) (encodeFunc, []int, error) {
	md, index, err := c.find(message)
	if err != nil {
		return nil, nil, err
	}
	return func(dst, jsonText []byte) ([]byte, error) {
		m := dynamicpb.NewMessage(md)
		if err := protojson.Unmarshal(jsonText, m); err != nil {
			return nil, fmt.Errorf("not JSON of message %s: %w", md.FullName(), err)
		}
		return proto.MarshalOptions{Deterministic: true}.MarshalAppend(dst, m)
	}, index, nil
}

func (c *protobufCodec) recordName(message string) (string, error) {
	md, _, err := c.find(message)
	if err != nil {
		return "", err
	}
	return string(md.FullName()), nil
}
