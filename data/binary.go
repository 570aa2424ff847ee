package data

import "fmt"

// Pair returns the binary task "class a against class b": the rows of ds
// whose label is a or b, in their original order, with targets Y = +1 for a
// and −1 for b. Labels keep the original classes. ds must have Labels, a must
// differ from b, and both classes must be present. On Digits this is "digit a
// vs digit b".
func (ds *Dataset) Pair(a, b int) (*Dataset, error) {
	if err := ds.checkLabels("Pair"); err != nil {
		return nil, err
	}
	if a == b {
		return nil, fmt.Errorf("data: Pair(%d, %d): the two classes must differ", a, b)
	}
	var idx []int
	var na, nb int
	for i, l := range ds.Labels {
		switch l {
		case a:
			na++
			idx = append(idx, i)
		case b:
			nb++
			idx = append(idx, i)
		}
	}
	if na == 0 || nb == 0 {
		missing := a
		if na != 0 {
			missing = b
		}
		return nil, fmt.Errorf("data: Pair(%d, %d): Dataset %q has no sample with label %d", a, b, ds.Name, missing)
	}
	out := ds.rows(idx, ds.Dim())
	for k, l := range out.Labels {
		if l == a {
			out.Y[k] = 1
		} else {
			out.Y[k] = -1
		}
	}
	out.Name = fmt.Sprintf("%s; %d (+1) vs %d (−1)", ds.Name, a, b)
	return out, nil
}

// EvenOdd returns a copy of ds with targets Y = +1 for an even label and −1
// for an odd one (on Digits: even digits against odd digits). Labels keep
// the original classes. ds must have Labels.
func (ds *Dataset) EvenOdd() (*Dataset, error) {
	if err := ds.checkLabels("EvenOdd"); err != nil {
		return nil, err
	}
	out := ds.Clone()
	for i, l := range out.Labels {
		if l%2 == 0 {
			out.Y[i] = 1
		} else {
			out.Y[i] = -1
		}
	}
	out.Name = ds.Name + "; even (+1) vs odd (−1)"
	return out, nil
}

// checkLabels validates ds and requires class labels.
func (ds *Dataset) checkLabels(fn string) error {
	if err := ds.Validate(); err != nil {
		return err
	}
	if ds.Labels == nil {
		return fmt.Errorf("data: %s: Dataset %q has no class labels (Labels is nil)", fn, ds.Name)
	}
	return nil
}
