#!/usr/bin/python3
"""Golden values of the bivariate normal orthant probability for ntk.Orthant.

    L(h, k; rho) = P(Z1 >= h, Z2 >= k),  Z1, Z2 standard normal with correlation rho.

Every row is computed twice at mp.dps = 50 by two independent formulas and written
only when they agree to 1e-25 relative:

  A. conditional form   L = int_h^inf phi(z) Qbar((k - rho z)/sqrt(1 - rho^2)) dz
  B. Plackett's form    L = L(h, k; -1) + (1/2pi) int_{acos rho}^{pi} exp(-E(t)) dt,
                        E(t) = (h^2 - 2 h k cos t + k^2) / (2 sin^2 t)  (evaluated without
                        cancellation near t = 0 and t = pi),
                        L(h, k; -1) = max(0, Qbar(h) - Phi(k)).

At rho = +-1 the closed forms Qbar(max(h, k)) and max(0, Qbar(h) - Phi(k)) are
checked against an independent quadrature of the normal density.

Inputs are float64 values; each is converted exactly (mpf(float)) so the golden
value belongs to the very float64 arguments that the Go test passes, and each
is printed with repr() so that Go's strconv.ParseFloat reads back the same bits.
Rows whose value is below 1e-300 are dropped. Output: orthant_golden.csv with
the header h,k,rho,L (L with 25 significant digits).

Run from this directory with Debian's interpreter:  /usr/bin/python3 gen_orthant_golden.py
(python3-mpmath; a few minutes on 2 cores).
"""
import csv
import multiprocessing
import random
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 50
TOL = mpf("1e-25")
FLOOR = mpf("1e-300")


def qbar(x):
    return mpmath.erfc(x / mpmath.sqrt(2)) / 2


def phi(z):
    return mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)


def clean(points, lo, hi):
    """Sorted unique breakpoints strictly inside (lo, hi), with lo and hi at the ends."""
    inner = sorted({p for p in points if lo < p < hi})
    return [lo] + inner + [hi]


def scaled_quad(f, pts):
    """mpmath.quad's tolerance is absolute: scale f to order one at its largest breakpoint value."""
    scale = max(f(p) for p in pts[:-1] if not mpmath.isinf(p))
    if scale == 0:
        scale = mpf(1)
    return mpmath.quad(lambda x: f(x) / scale, pts, maxdegree=10) * scale


def conditional_form(h, k, r):
    s = mpmath.sqrt((1 - r) * (1 + r))
    f = lambda z: phi(z) * qbar((k - r * z) / s)
    sc = min(1 / max(abs(h), 1), s)
    pts = [h + sc * mpf(2) ** j for j in range(-12, 40)]
    if h < 0:
        pts += [mpf(0), mpf(-1), mpf(1)]
    if r != 0:
        zt = k / r  # the conditional threshold crosses zero here
        for m in (0, 1, -1, 4, -4, 12, -12, 40, -40):
            pts.append(zt + m * s / abs(r))
    hi = max(h, mpf(0)) + 60
    return scaled_quad(f, clean(pts, h, hi))


def plackett_form(h, k, r):
    low = qbar(h) - (1 - qbar(k))
    base = low if low > 0 else mpf(0)
    t0 = mpmath.acos(r)
    if t0 == mpmath.pi:
        return base

    def f(t):
        # E(t) without cancellation: h^2 - 2hk cos t + k^2 = (h-k)^2 + 4hk sin^2(t/2)
        # = (h+k)^2 - 4hk cos^2(t/2), and sin^2 t = 4 sin^2(t/2) cos^2(t/2).
        st = mpmath.sin(t)
        if st == 0:
            return mpf(0)
        if t < mpmath.pi / 2:
            e = (h - k) ** 2 / (2 * st * st) + h * k / (2 * mpmath.cos(t / 2) ** 2)
        else:
            e = (h + k) ** 2 / (2 * st * st) - h * k / (2 * mpmath.sin(t / 2) ** 2)
        return mpmath.exp(-e)

    pts = []
    for rs in ([h / k] if k != 0 else []) + ([k / h] if h != 0 else []):
        if -1 < rs < 1:
            ts = mpmath.acos(rs)
            width = 1 / max(abs(h), abs(k), mpf(1))
            for m in (0, 1, -1, 3, -3, 10, -10):
                pts.append(ts + m * width)
    sig = abs(h + k)
    for m in (mpf("0.01"), mpf("0.1"), mpf("0.3"), 1, 3, 10):
        pts.append(mpmath.pi - m * max(sig, mpf("1e-30")))
    pts += [t0 + (mpmath.pi - t0) * mpf(2) ** -j for j in range(1, 60)]
    pts.append(t0 + (mpmath.pi - t0) * mpf("1e-30"))
    val = scaled_quad(f, clean(pts, t0, mpmath.pi)) / (2 * mpmath.pi)
    return base + val


def density_interval(a, b):
    """int_a^b phi by quadrature (b may be +inf)."""
    if b <= a:
        return mpf(0)
    pts = [a, b]
    if mpmath.isinf(b):
        w = 1 / max(a, mpf(1))
        pts = [a] + [a + w * mpf(2) ** j for j in range(-6, 8)] + [b]
    return scaled_quad(phi, pts)


def golden(args):
    hf, kf, rf = args
    h, k, r = mpf(hf), mpf(kf), mpf(rf)
    if r == 1:
        m = max(h, k)
        a, b = qbar(m), density_interval(m, mpmath.inf)
    elif r == -1:
        low = qbar(h) - (1 - qbar(k))
        a = low if low > 0 else mpf(0)
        b = density_interval(h, -k)
    else:
        a, b = conditional_form(h, k, r), plackett_form(h, k, r)
    if a == 0 and b == 0:
        return (hf, kf, rf, mpf(0), True)
    agree = abs(a - b) <= TOL * max(abs(a), abs(b))
    return (hf, kf, rf, a, agree, b)


def grid():
    ths = [-8, -5, -3, -1.5, -0.5, 0, 0.3, 1, 2, 3, 4, 5, 6, 8, 12, 20, 30]
    rhos = [-1, -0.999999, -0.99, -0.95, -0.9, -0.7, -0.5, -0.3, -0.1, 0, 0.1, 0.3, 0.5,
            0.7, 0.9, 0.925, 0.95, 0.99, 0.999999, 1]
    pts = []
    for i, h in enumerate(ths):
        for k in ths[i:]:
            for r in rhos:
                pts.append((float(h), float(k), float(r)))
    # paper.md section 6.1, pair probabilities table
    for b in (0, 0.5, 1, 2):
        for r in (-0.5, 0, 0.3, 0.9):
            pts.append((float(b), float(b), float(r)))
    rng = random.Random(20240611)
    for _ in range(400):
        h = rng.uniform(-6, 10)
        k = rng.uniform(-6, 10)
        u = rng.random()
        if u < 0.6:
            r = rng.uniform(-1, 1)
        elif u < 0.8:
            r = 1 - 10 ** rng.uniform(-12, -1)
        else:
            r = -1 + 10 ** rng.uniform(-12, -1)
        pts.append((h, k, r))
    # far tails with negative correlation and near-strips (k close to -h, rho close to -1)
    for _ in range(100):
        h = rng.uniform(3, 25)
        k = h * rng.uniform(0.5, 1.0)
        r = rng.uniform(-0.95, 0.2)
        pts.append((h, k, r))
    for _ in range(100):
        h = rng.uniform(0.01, 8)
        k = -h + 10 ** rng.uniform(-8, 0)
        r = -1 + 10 ** rng.uniform(-10, -0.5)
        pts.append((h, k, r))
    seen, out = set(), []
    for p in pts:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def main():
    pts = grid()
    out = "orthant_golden.csv"
    if len(sys.argv) > 2:  # debugging: only the points of file argv[1] ("h,k,rho" per line), written to argv[2]
        with open(sys.argv[1]) as f:
            pts = [tuple(float(v) for v in line.split(",")) for line in f if line.strip()]
        out = sys.argv[2]
    with multiprocessing.Pool(2) as pool:
        res = pool.map(golden, pts, chunksize=4)
    bad = [r for r in res if not r[4]]
    for r in bad:
        print("DISAGREE h=%r k=%r rho=%r  A=%s  B=%s" % (r[0], r[1], r[2],
              mpmath.nstr(r[3], 30), mpmath.nstr(r[5], 30)), file=sys.stderr)
    kept = [r for r in res if r[4] and r[3] >= FLOOR]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["h", "k", "rho", "L"])
        for r in kept:
            w.writerow([repr(r[0]), repr(r[1]), repr(r[2]), mpmath.nstr(r[3], 25, min_fixed=1, max_fixed=0)])
    print("%d points, %d disagreements (not written), %d rows written" % (len(pts), len(bad), len(kept)))


if __name__ == "__main__":
    main()
