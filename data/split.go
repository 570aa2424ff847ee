package data

import (
	"fmt"
	"math"
	"slices"
)

// Split returns a seeded random partition of ds into a training and a test
// set. The test set has round(testFraction·n) samples, which must leave both
// parts non-empty; testFraction must be in (0, 1). The rows of each part keep
// their original relative order. The same (testFraction, seed) gives the same
// partition.
func (ds *Dataset) Split(testFraction float64, seed uint64) (train, test *Dataset, err error) {
	if err := ds.Validate(); err != nil {
		return nil, nil, err
	}
	n := ds.Len()
	nTest, err := testCount("Split", testFraction, n)
	if err != nil {
		return nil, nil, err
	}
	perm := newRand(seed, streamSplit).Perm(n)
	return ds.partition(perm[:nTest])
}

// StratifiedSplit is like Split but draws round(testFraction·n_c) test
// samples from each class c of size n_c, so that class proportions are kept.
// The total test size may therefore differ from round(testFraction·n) by up
// to half the number of classes. ds must have Labels.
func (ds *Dataset) StratifiedSplit(testFraction float64, seed uint64) (train, test *Dataset, err error) {
	if err := ds.checkLabels("StratifiedSplit"); err != nil {
		return nil, nil, err
	}
	n := ds.Len()
	if _, err := testCount("StratifiedSplit", testFraction, n); err != nil {
		return nil, nil, err
	}
	byClass := map[int][]int{}
	for i, l := range ds.Labels {
		byClass[l] = append(byClass[l], i)
	}
	classes := make([]int, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	rng := newRand(seed, streamSplit)
	var testIdx []int
	for _, c := range classes {
		idx := byClass[c]
		k := int(math.Round(testFraction * float64(len(idx))))
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		testIdx = append(testIdx, idx[:k]...)
	}
	if len(testIdx) == 0 || len(testIdx) == n {
		return nil, nil, fmt.Errorf("data: StratifiedSplit: testFraction = %v puts %d of %d samples in the test set; both parts must be non-empty", testFraction, len(testIdx), n)
	}
	return ds.partition(testIdx)
}

// testCount returns round(f·n) after checking that it leaves both parts
// non-empty.
func testCount(fn string, f float64, n int) (int, error) {
	if !(f > 0 && f < 1) {
		return 0, fmt.Errorf("data: %s: testFraction = %v; it must be in (0, 1)", fn, f)
	}
	k := int(math.Round(f * float64(n)))
	if k == 0 || k == n {
		return 0, fmt.Errorf("data: %s: testFraction = %v of n = %d samples gives a test set of %d; both parts must be non-empty", fn, f, n, k)
	}
	return k, nil
}

// partition splits ds into the rows not in testIdx and the rows in testIdx,
// each in original order.
func (ds *Dataset) partition(testIdx []int) (train, test *Dataset, err error) {
	n, d := ds.Len(), ds.Dim()
	inTest := make([]bool, n)
	for _, i := range testIdx {
		inTest[i] = true
	}
	tr := make([]int, 0, n-len(testIdx))
	te := make([]int, 0, len(testIdx))
	for i := 0; i < n; i++ {
		if inTest[i] {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	train, test = ds.rows(tr, d), ds.rows(te, d)
	train.Name = ds.Name + " [train]"
	test.Name = ds.Name + " [test]"
	return train, test, nil
}

// Sample returns k distinct rows of ds chosen uniformly at random (seeded),
// kept in their original relative order; 1 ≤ k ≤ ds.Len(). The same
// (k, seed) gives the same rows.
func (ds *Dataset) Sample(k int, seed uint64) (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	n := ds.Len()
	if k <= 0 || k > n {
		return nil, fmt.Errorf("data: Sample(%d): k must be in [1, %d], the number of samples of %q", k, n, ds.Name)
	}
	idx := newRand(seed, streamSample).Perm(n)[:k]
	slices.Sort(idx)
	return ds.rows(idx, ds.Dim()), nil
}
