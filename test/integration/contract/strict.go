package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// decodeStrict decodes an answer into one of the official SDK's types, more strictly than the SDK
// itself (which uses a plain json.Unmarshal): no field the type does not have, no null, every
// field whose JSON tag is not omitempty/omitzero present, and every enum value valid.
func decodeStrict[T any](raw []byte) (*T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding %T: %w (body %s)", v, err, clip(raw))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decoding %T: data after the JSON value (body %s)", v, clip(raw))
	}
	if err := requireFields(raw, reflect.TypeOf(v), "$"); err != nil {
		return nil, fmt.Errorf("decoding %T: %w (body %s)", v, err, clip(raw))
	}
	return &v, nil
}

// validator is what the SDK's enums implement.
type validator interface{ IsValid() bool }

var validatorType = reflect.TypeFor[validator]()

// A type that decodes itself (time.Time, as RFC 3339 text) is checked by decoding it.
var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func requireFields(raw json.RawMessage, t reflect.Type, path string) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return fmt.Errorf("%s is null: the definition has a value there, or no key at all", path)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(validatorType) {
		v := reflect.New(t)
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !v.Elem().Interface().(validator).IsValid() {
			return fmt.Errorf("%s is %s, not a value of %s", path, raw, t.Name())
		}
		return nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		known := map[string]bool{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			known[name] = true
			value, present := fields[name]
			if !present {
				if strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
					continue
				}
				return fmt.Errorf("%s has no %q, which the definition requires", path, name)
			}
			if err := requireFields(value, f.Type, path+"."+name); err != nil {
				return err
			}
		}
		// encoding/json matches keys to fields ignoring case, so DisallowUnknownFields lets
		// "defaultAgentPoolId" through for "defaultAgentPoolID": the spelling is checked here.
		for key := range fields {
			if !known[key] {
				return fmt.Errorf("%s has %q, a key the definition does not have (or spells differently)", path, key)
			}
		}
	case reflect.Slice:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for i, item := range items {
			if err := requireFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// errorBody is the service's error shape. The SDK parses it into an APIError without saying
// whether it was well formed, so the raw body is checked against it too.
type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func clip(raw []byte) string {
	const max = 300
	if len(raw) > max {
		return string(raw[:max]) + "…"
	}
	return string(raw)
}
