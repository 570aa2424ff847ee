package data

import (
	"fmt"
	"os"
)

// FashionMNISTEnv names the environment variable that, when set, gives the
// directory holding the Fashion-MNIST IDX files and overrides the Debian
// location.
const FashionMNISTEnv = "SPARSENTK_FASHION_MNIST"

// FashionMNISTCredit is the attribution of Fashion-MNIST (MIT license).
const FashionMNISTCredit = "H. Xiao, K. Rasul and R. Vollgraf (2017), Zalando Research, MIT License"

// FashionMNISTClasses names the ten Fashion-MNIST labels 0..9.
var FashionMNISTClasses = [10]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// fashionDirs lists where Debian's package dataset-fashion-mnist installs
// the files (t10k-images-idx3-ubyte.gz and friends).
var fashionDirs = []string{"/usr/share/datasets/fashion-mnist"}

// FindFashionMNIST returns the directory that holds the Fashion-MNIST IDX
// files. When the environment variable SPARSENTK_FASHION_MNIST is set, its
// value is used and must hold the files (there is no silent fallback);
// otherwise the location of Debian's dataset-fashion-mnist package,
// /usr/share/datasets/fashion-mnist, is tried. A directory qualifies when it
// holds the images and labels of the train or the test split. The error says
// how to install the data.
func FindFashionMNIST() (dir string, err error) {
	if env := os.Getenv(FashionMNISTEnv); env != "" {
		if hasIDXSplit(env) {
			return env, nil
		}
		return "", fmt.Errorf("data: %s=%s, but that directory holds no Fashion-MNIST IDX files (train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, or the t10k-* pair); fix or unset the variable", FashionMNISTEnv, env)
	}
	for _, dir := range fashionDirs {
		if hasIDXSplit(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("data: Fashion-MNIST not found in %q; install it with `apt-get install dataset-fashion-mnist` or set %s to a directory holding its IDX files", fashionDirs, FashionMNISTEnv)
}

// hasIDXSplit reports whether dir holds the images and labels of at least one
// split in the MNIST layout.
func hasIDXSplit(dir string) bool {
	for _, prefix := range []string{"train", "t10k"} {
		_, errI := findIDX(dir, idxNames(prefix, "images"))
		_, errL := findIDX(dir, idxNames(prefix, "labels"))
		if errI == nil && errL == nil {
			return true
		}
	}
	return false
}

// FashionMNIST loads the "train" (60000 images) or "test" (10000 images)
// split of Fashion-MNIST, by H. Xiao, K. Rasul and R. Vollgraf (2017),
// Zalando Research, MIT License, from the directory found by
// FindFashionMNIST. X is n×784 (28×28 images, row-major) with pixel values
// 0..255 as float64; Labels are 0..9 (see FashionMNISTClasses) and Y[i] =
// float64(Labels[i]). When the data are absent the error says to run
// `apt-get install dataset-fashion-mnist`.
func FashionMNIST(split string) (*Dataset, error) {
	if _, err := splitPrefix(split); err != nil {
		return nil, fmt.Errorf("data: FashionMNIST: %w", err)
	}
	dir, err := FindFashionMNIST()
	if err != nil {
		return nil, err
	}
	ds, err := LoadIDXDir(dir, split)
	if err != nil {
		return nil, err
	}
	ds.Name = fmt.Sprintf("Fashion-MNIST %s: %s", split, FashionMNISTCredit)
	return ds, nil
}
