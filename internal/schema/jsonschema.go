package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// jsonSchemaCodec: the payload is the JSON document itself. Records are
// validated when produced (a value that does not match is refused before it
// is sent), not when read: what is in the topic is shown as it is.
type jsonSchemaCodec struct {
	s     *jsonschema.Schema
	title string
}

const jsonSchemaMain = "streamctl-schema.json"

func compileJSONSchema(text string, refs []reference) (codec, error) {
	c := jsonschema.NewCompiler()
	for _, r := range refs {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.text)))
		if err != nil {
			return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
		}
		if err := c.AddResource(r.name, doc); err != nil {
			return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(text)))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if err := c.AddResource(jsonSchemaMain, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(jsonSchemaMain)
	if err != nil {
		return nil, err
	}
	title := ""
	if m, ok := doc.(map[string]any); ok {
		title, _ = m["title"].(string)
	}
	return &jsonSchemaCodec{s: s, title: title}, nil
}

func (c *jsonSchemaCodec) appendJSON(dst, payload []byte, _ []int) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, payload); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *jsonSchemaCodec) encoder(message string) (encodeFunc, []int, error) {
	if message != "" {
		return nil, nil, errors.New("a message name is for Protobuf schemas only")
	}
	return func(dst, jsonText []byte) ([]byte, error) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonText))
		if err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		if err := c.s.Validate(inst); err != nil {
			return nil, fmt.Errorf("does not match the JSON Schema: %w", flatten(err))
		}
		buf := bytes.NewBuffer(dst)
		if err := json.Compact(buf, jsonText); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}, nil, nil
}

// flatten makes a validation error one line: the library's lists each
// failed keyword on a line of its own.
func flatten(err error) error {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var msgs []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			msgs = append(msgs, fmt.Sprintf("at %s: %s", loc, e.ErrorKind.LocalizedString(printer)))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return errors.New(strings.Join(msgs, "; "))
}

func (c *jsonSchemaCodec) recordName(string) (string, error) {
	if c.title == "" {
		return "", errors.New(`the RecordName strategies need a JSON Schema with a "title"`)
	}
	return c.title, nil
}
