// Package data provides the datasets of sparsentk: seeded generators with a
// controlled geometry, the real data sets, and the data-dependent quantities
// that the paper's bounds use.
//
// A Dataset holds n samples as the rows of an n×d matrix X, their targets Y
// and, for classification data, their class Labels. Methods derive new data
// sets without touching the receiver: Normalized (rows on the unit sphere, as
// the theory of Yang et al. assumes), Scaled, Pair and EvenOdd (binary ±1
// tasks), Split and StratifiedSplit (seeded train/test partitions), Head,
// Sample and Rows (subsets), WithTargets.
//
// Generators, each reproducible bit for bit from its seed (math/rand/v2 PCG):
//   - Sphere: uniform on S^{d-1};
//   - Circle: points at angular spacing θ, whose separation δ has the closed
//     form of CircleSeparation;
//   - Orthonormal and StandardBasis: δ = √2 and a closed-form kernel;
//   - LinearTeacher and Figure2: Gaussian inputs with y = ⟨w*, x⟩ (the toy
//     regression of the paper's Figure 2; inputs are not unit norm);
//   - TeacherSigns, RandomSigns, FlipSigns: ±1 labels.
//
// Real data: Digits returns the optdigits test set embedded in the package
// (1797 8×8 images, pixels 0..16, digits 0..9) by E. Alpaydin and C. Kaynak
// (1998), UCI Machine Learning Repository, CC BY 4.0. LoadIDX, LoadIDXDir,
// ReadIDXImages and ReadIDXLabels read MNIST-format IDX files (raw or gzip);
// FashionMNIST loads Fashion-MNIST as installed by Debian's
// dataset-fashion-mnist package.
//
// Separation computes δ = min_{i≠j} min(‖x_i−x_j‖, ‖x_i+x_j‖) of Theorem 13
// of the paper, and MaxAbsCosine the largest |cos| between two samples.
//
// Bad input (wrong sizes, NaN or Inf, malformed files) gives an error that
// names the problem; no function panics on it.
package data
