// Command nbexec executes notebooks with the real GoNB kernel, converts them
// to HTML, checks in headless Chromium that every chart drew, and writes a
// report: REPORT/index.html links each notebook's page.
//
// Usage (from the repository root; ./run test and ./run report call it):
//
//	go run ./notebooks/cmd/nbexec [-nb build/nb] [-report build/report] [notebooks/X.ipynb ...]
//
// Without arguments it runs every notebooks/*.ipynb. It runs every notebook
// even after a failure, writes the report, prints its path, and exits with
// status 1 if any notebook failed a cell or drew a chart wrongly. It needs
// /usr/bin/python3 with nbclient, jupyter, chromium and the gonb kernel: `./run
// setup` installs them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/sparsentk/sparsentk/notebooks/nbexec"
)

func main() {
	nbDir := flag.String("nb", "build/nb", "folder for executed notebooks and kernel logs")
	reportDir := flag.String("report", "build/report", "folder for the HTML pages and index.html")
	timeout := flag.Duration("timeout", 600*time.Second, "time limit per cell")
	budget := flag.Duration("budget", 10*time.Second, "virtual time Chromium gives each page's scripts")
	kernel := flag.String("kernel", "gonb", "Jupyter kernel name")
	flag.Parse()

	notebooks := flag.Args()
	if len(notebooks) == 0 {
		found, _ := filepath.Glob("notebooks/*.ipynb")
		sort.Strings(found)
		notebooks = found
	}
	if len(notebooks) == 0 {
		fatalf("no notebooks: give paths or run from the repository root (notebooks/*.ipynb)")
	}
	r := nbexec.NewRunner(*nbDir, *reportDir)
	r.Timeout, r.Budget, r.Kernel = *timeout, *budget, *kernel
	for _, tool := range []string{r.Python, r.Jupyter, r.Chromium} {
		if _, err := exec.LookPath(tool); err != nil {
			fatalf("%s is not installed: run ./run setup (%v)", tool, err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report := &nbexec.Report{Started: time.Now()}
	for _, nb := range notebooks {
		fmt.Printf("nbexec: executing %s\n", nb)
		res := r.Execute(ctx, nb)
		report.Results = append(report.Results, res)
		if res.Error != "" {
			fmt.Printf("nbexec: %s FAILED after %.1f s (%s; kernel log %s):\n%s\n", nb, res.Seconds, res.Status(), res.Log, indent(res.Error))
		} else {
			fmt.Printf("nbexec: %s ran in %.1f s\n", nb, res.Seconds)
		}
	}
	if err := r.ToHTML(ctx, report.Results); err != nil {
		fmt.Fprintln(os.Stderr, "nbexec:", err)
	}
	for _, res := range report.Results {
		if res.HTML == "" {
			continue
		}
		if err := r.CheckCharts(ctx, res); err != nil {
			fmt.Fprintf(os.Stderr, "nbexec: checking the charts of %s: %v\n", res.HTML, err)
			continue
		}
		c := res.Charts
		fmt.Printf("nbexec: %s: %d of %d charts drawn\n", res.HTML, c.Drawn, c.Total)
		for _, e := range c.Errors {
			fmt.Printf("nbexec: %s: chart error: %s\n", res.HTML, e)
		}
		for _, e := range c.PageErrors {
			fmt.Printf("nbexec: %s: %s\n", res.HTML, e)
		}
	}
	report.Seconds = time.Since(report.Started).Seconds()
	if err := os.MkdirAll(*reportDir, 0o755); err != nil {
		fatalf("%v", err)
	}
	if err := report.Save(*reportDir); err != nil {
		fatalf("writing the report: %v", err)
	}
	index, _ := filepath.Abs(filepath.Join(*reportDir, "index.html"))
	fmt.Printf("nbexec: %d notebooks in %.1f s, %d failed\n", len(report.Results), report.Seconds, report.Failed())
	fmt.Printf("nbexec: report: %s\n", index)
	if report.Failed() > 0 {
		os.Exit(1)
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "nbexec: "+format+"\n", args...)
	os.Exit(1)
}
