package viz

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

const (
	// echartsVersion is the version package.json pins; the CDN fallback
	// loads the same one.
	echartsVersion = "5.6.0"
	// LibraryEnv names the environment variable that, when set, gives the
	// path of echarts.min.js.
	LibraryEnv = "SPARSENTK_ECHARTS"
	// libraryRel is where `npm ci` puts the library, relative to the
	// directory holding package.json.
	libraryRel = "node_modules/echarts/dist/echarts.min.js"
)

// LibraryPath returns the path of the ECharts library echarts.min.js, looked
// up in this order:
//
//  1. the file named by the environment variable SPARSENTK_ECHARTS (an error
//     if it is set but names no file);
//  2. node_modules/echarts/dist/echarts.min.js in the working directory or
//     the nearest of its parents that has it;
//  3. the same, walking up from this package's source directory (known at
//     build time; it is the repository when the module is used through a
//     local replace directive, as the notebooks do).
//
// The project's set-up step (`./run setup`, or `npm ci` in the repository
// root) installs the file. The error says how to get it.
func LibraryPath() (string, error) {
	if p := os.Getenv(LibraryEnv); p != "" {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return "", fmt.Errorf("viz: %s=%q does not name the file echarts.min.js; unset it or point it at node_modules/echarts/dist/echarts.min.js", LibraryEnv, p)
		}
		return p, nil
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			p := filepath.Join(dir, filepath.FromSlash(libraryRel))
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("viz: echarts.min.js not found: run `./run setup` (or `npm ci` in the repository root) to install it into node_modules, or set " + LibraryEnv + " to its path")
}

// libraryFileURL returns a file:// URL of the library, or "" if there is
// none.
func libraryFileURL() string {
	p, err := LibraryPath()
	if err != nil {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// libraryScript returns a <script> element that defines window.echarts
// unless the page already has it. With the library file present, the
// library is inlined, wrapped as (function(define,module,exports){…})
// .call(window) so that require.js cannot capture it as an AMD module. When
// the file is missing, the script loads the library from the public CDN
// instead and note says so (an empty note means offline and inlined).
func libraryScript() (script, note string, err error) {
	p, perr := LibraryPath()
	if perr != nil {
		note = "viz: the offline copy of ECharts is missing (" + perr.Error() + "); loading ECharts " + echartsVersion + " from " + cdnURL + " instead, so charts need an internet connection."
		return cdnLoader(), note, nil
	}
	lib, err := os.ReadFile(p)
	if err != nil {
		return "", "", fmt.Errorf("viz: read the ECharts library: %w", err)
	}
	var b strings.Builder
	b.Grow(len(lib) + 200)
	b.WriteString(`<script type="text/javascript" data-viz-echarts="` + echartsVersion + `">` + "\n")
	b.WriteString("if(!window.echarts){(function(define,module,exports){\n")
	b.WriteString(safeInScript(string(lib)))
	b.WriteString("\n}).call(window);}\n</script>")
	return b.String(), "", nil
}

// cdnLoader returns a <script> that loads the library from the CDN unless
// the page has it, hiding require.js's define while it loads.
func cdnLoader() string {
	return `<script type="text/javascript">
if(!window.echarts&&!window.__vizEchartsLoading){(function(){
window.__vizEchartsLoading=true;
var d=window.define;if(d&&d.amd)window.define=undefined;
var s=document.createElement('script');s.src=` + strconv.Quote(cdnURL) + `;
s.onload=s.onerror=function(){if(d)window.define=d;};
document.head.appendChild(s);})();}
</script>`
}
