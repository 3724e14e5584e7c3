// Command gen-sdk writes the .NET and Java SDKs of the agentpools provider from its schema, with
// Pulumi's own code generators called as libraries: the .NET generator of
// github.com/pulumi/pulumi/pkg/v3 (it left pkg/v3 after v3.219.0, for a language host the module
// proxy does not serve) and the Java generator of github.com/pulumi/pulumi-java/pkg (whose language
// host is not installed here). It does what the language hosts' GeneratePackage does, and nothing
// that reaches the network.
//
//	go run . <schema.json> <out-dir> dotnet java
//
// Each language's SDK is written afresh into <out-dir>/<language>, as `pulumi package gen-sdk`
// does. scripts/gen-sdks.sh runs it; the Python and Go SDKs come from `pulumi package gen-sdk`.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	javagen "github.com/pulumi/pulumi-java/pkg/codegen/java"
	dotnetgen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// offline stands in for the network. The .NET generator downloads the package's icon (the
// schema's logoUrl, else a Pulumi logo on GitHub) to ship it in the NuGet package as logo.png; a
// generation must not depend on the network, so the icon is a plain 64x64 image made here, and
// any other request fails.
type offline struct{}

func (offline) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".png") {
		return &http.Response{
			StatusCode: http.StatusOK,
			Status:     "200 OK",
			Header:     http.Header{"Content-Type": {"image/png"}},
			Body:       io.NopCloser(bytes.NewReader(icon())),
			Request:    r,
		}, nil
	}
	return nil, fmt.Errorf("gen-sdk makes no network requests (asked for %s)", r.URL)
}

// icon is the package icon: 64x64, one colour, the same bytes on every run.
func icon() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{R: 0x4d, G: 0x5b, B: 0xd9, A: 0xff}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		fail(err)
	}
	return buf.Bytes()
}

func main() {
	if len(os.Args) < 4 {
		fail(fmt.Errorf("usage: gen-sdk <schema.json> <out-dir> <dotnet|java>..."))
	}
	http.DefaultTransport = offline{}
	schemaPath, outDir := os.Args[1], os.Args[2]

	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		fail(err)
	}
	for _, language := range os.Args[3:] {
		// Each generator gets its own copy of the spec: binding and generating change it.
		var spec schema.PackageSpec
		if err := json.Unmarshal(raw, &spec); err != nil {
			fail(fmt.Errorf("reading %s: %w", schemaPath, err))
		}
		files, err := generate(language, spec)
		if err != nil {
			fail(fmt.Errorf("%s: %w", language, err))
		}
		files["README.md"] = append(files["README.md"], untested[language]...)
		dir := filepath.Join(outDir, language)
		if err := os.RemoveAll(dir); err != nil {
			fail(err)
		}
		if err := write(dir, files); err != nil {
			fail(err)
		}
	}
}

// untested ends the README of these SDKs: the machines this repository is built on have neither
// toolchain, so it generates them and no more.
var untested = map[string]string{
	"dotnet": "\nThis folder is generated from provider/schema.json by `npm run gen:sdks`, and generated only:\n" +
		"where this repository is built there is no .NET SDK and no access to NuGet, so it is neither\n" +
		"compiled nor tested there.\n",
	"java": "\nThis folder is generated from provider/schema.json by `npm run gen:sdks`, and generated only:\n" +
		"where this repository is built there is no Gradle and no access to Maven Central (which serves\n" +
		"com.pulumi:pulumi), so it is neither compiled nor tested there.\n",
}

func generate(language string, spec schema.PackageSpec) (map[string][]byte, error) {
	switch language {
	case "dotnet":
		return dotnetgen.GeneratePackage("pulumi-language-dotnet", bind(spec), map[string][]byte{}, nil)
	case "java":
		// As the Java language host does: types whose names differ only in case become one.
		deduped, diags, err := javagen.DeduplicateTypes(&spec)
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			return nil, diags
		}
		return javagen.GeneratePackage("pulumi-language-java", bind(*deduped), map[string][]byte{}, nil, false, false)
	default:
		return nil, fmt.Errorf("no generator for this language: dotnet or java")
	}
}

func bind(spec schema.PackageSpec) *schema.Package {
	pkg, diags, err := schema.BindSpec(spec, nil, schema.ValidationOptions{})
	if err != nil {
		fail(err)
	}
	if diags.HasErrors() {
		fail(diags)
	}
	return pkg
}

// write puts the files under dir in a fixed order, so that two runs write the same tree.
func write(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
	os.Exit(1)
}
