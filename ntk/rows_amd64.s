#include "textflag.h"

// func dotRowsAsm(z, w, x []float64, idx []int32, d int, b float64, rows int) (ok bool)
//
// z[k] = <w, x[idx[k]*d : idx[k]*d+d]> - b, two rows at a time (sharing the
// loads of w), then the last row alone. Per row: four 4-lane accumulators
// over blocks of 16 columns, the first of them over blocks of 4, summed as
// (acc0+acc1)+(acc2+acc3), lanes (l0+l2)+(l1+l3), then the remaining
// columns one by one. The order is the same for paired and single rows.
TEXT ·dotRowsAsm(SB), NOSPLIT, $0-121
	MOVQ z_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ x_base+48(FP), R8
	MOVQ idx_base+72(FP), R9
	MOVQ idx_len+80(FP), R10
	MOVQ d+96(FP), R11
	MOVSD b+104(FP), X14
	MOVQ R11, R13
	ANDQ $-16, R13    // d rounded down to 16
	MOVQ R11, DX
	ANDQ $-4, DX      // d rounded down to 4
	XORQ BX, BX       // k

dot_pair:
	LEAQ 1(BX), AX
	CMPQ AX, R10
	JGE  dot_row
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+112(FP)
	JAE  dot_bad
	IMULQ R11, AX
	LEAQ (R8)(AX*8), AX   // &x[idx[k]*d]
	MOVLQSX 4(R9)(BX*4), R12
	CMPQ R12, rows+112(FP)
	JAE  dot_bad
	IMULQ R11, R12
	LEAQ (R8)(R12*8), R12 // &x[idx[k+1]*d]
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ CX, CX

pair_16:
	CMPQ CX, R13
	JGE  pair_4
	VMOVUPD (SI)(CX*8), Y8
	VMOVUPD 32(SI)(CX*8), Y9
	VMOVUPD 64(SI)(CX*8), Y10
	VMOVUPD 96(SI)(CX*8), Y11
	VFMADD231PD (AX)(CX*8), Y8, Y0
	VFMADD231PD 32(AX)(CX*8), Y9, Y1
	VFMADD231PD 64(AX)(CX*8), Y10, Y2
	VFMADD231PD 96(AX)(CX*8), Y11, Y3
	VFMADD231PD (R12)(CX*8), Y8, Y4
	VFMADD231PD 32(R12)(CX*8), Y9, Y5
	VFMADD231PD 64(R12)(CX*8), Y10, Y6
	VFMADD231PD 96(R12)(CX*8), Y11, Y7
	ADDQ $16, CX
	JMP  pair_16

pair_4:
	CMPQ CX, DX
	JGE  pair_reduce
	VMOVUPD (SI)(CX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	VFMADD231PD (R12)(CX*8), Y8, Y4
	ADDQ $4, CX
	JMP  pair_4

pair_reduce:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VADDPD Y5, Y4, Y4
	VADDPD Y7, Y6, Y6
	VADDPD Y6, Y4, Y4
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0
	VEXTRACTF128 $1, Y4, X5
	VADDPD X5, X4, X4
	VPERMILPD $1, X4, X5
	VADDSD X5, X4, X4

pair_1:
	CMPQ CX, R11
	JGE  pair_store
	VMOVSD (SI)(CX*8), X8
	VFMADD231SD (AX)(CX*8), X8, X0
	VFMADD231SD (R12)(CX*8), X8, X4
	INCQ CX
	JMP  pair_1

pair_store:
	VSUBSD X14, X0, X0
	VSUBSD X14, X4, X4
	VMOVSD X0, (DI)(BX*8)
	VMOVSD X4, 8(DI)(BX*8)
	ADDQ $2, BX
	JMP  dot_pair

dot_row:
	CMPQ BX, R10
	JGE  dot_done
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+112(FP)
	JAE  dot_bad
	IMULQ R11, AX
	LEAQ (R8)(AX*8), AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ CX, CX

dot_16:
	CMPQ CX, R13
	JGE  dot_4
	VMOVUPD (SI)(CX*8), Y8
	VMOVUPD 32(SI)(CX*8), Y9
	VMOVUPD 64(SI)(CX*8), Y10
	VMOVUPD 96(SI)(CX*8), Y11
	VFMADD231PD (AX)(CX*8), Y8, Y0
	VFMADD231PD 32(AX)(CX*8), Y9, Y1
	VFMADD231PD 64(AX)(CX*8), Y10, Y2
	VFMADD231PD 96(AX)(CX*8), Y11, Y3
	ADDQ $16, CX
	JMP  dot_16

dot_4:
	CMPQ CX, DX
	JGE  dot_reduce
	VMOVUPD (SI)(CX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	ADDQ $4, CX
	JMP  dot_4

dot_reduce:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0

dot_1:
	CMPQ CX, R11
	JGE  dot_store
	VMOVSD (SI)(CX*8), X8
	VFMADD231SD (AX)(CX*8), X8, X0
	INCQ CX
	JMP  dot_1

dot_store:
	VSUBSD X14, X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  dot_row

dot_done:
	VZEROUPPER
	MOVB $1, ok+120(FP)
	RET

dot_bad:
	VZEROUPPER
	MOVB $0, ok+120(FP)
	RET

// func sumRowsAsm(g, x []float64, idx []int32, coef []float64, d, rows int) (ok bool)
//
// g = sum_k coef[k] * x[idx[k]*d : idx[k]*d+d], len(idx) >= 1. Columns in
// blocks of 32 (eight 4-lane accumulators), then 4, then 1; within a column
// the terms are added in increasing k.
TEXT ·sumRowsAsm(SB), NOSPLIT, $0-113
	MOVQ g_base+0(FP), DI
	MOVQ x_base+24(FP), R8
	MOVQ idx_base+48(FP), R9
	MOVQ idx_len+56(FP), R10
	MOVQ coef_base+72(FP), SI
	MOVQ d+96(FP), R11
	MOVQ R11, R12
	SHLQ $3, R12      // bytes per row
	XORQ CX, CX       // first column of the block

sum_32:
	MOVQ R11, DX
	SUBQ CX, DX
	CMPQ DX, $32
	JLT  sum_4
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ BX, BX

sum_32_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  sum_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	VFMADD231PD 32(AX)(CX*8), Y8, Y1
	VFMADD231PD 64(AX)(CX*8), Y8, Y2
	VFMADD231PD 96(AX)(CX*8), Y8, Y3
	VFMADD231PD 128(AX)(CX*8), Y8, Y4
	VFMADD231PD 160(AX)(CX*8), Y8, Y5
	VFMADD231PD 192(AX)(CX*8), Y8, Y6
	VFMADD231PD 224(AX)(CX*8), Y8, Y7
	INCQ BX
	CMPQ BX, R10
	JLT  sum_32_row
	VMOVUPD Y0, (DI)(CX*8)
	VMOVUPD Y1, 32(DI)(CX*8)
	VMOVUPD Y2, 64(DI)(CX*8)
	VMOVUPD Y3, 96(DI)(CX*8)
	VMOVUPD Y4, 128(DI)(CX*8)
	VMOVUPD Y5, 160(DI)(CX*8)
	VMOVUPD Y6, 192(DI)(CX*8)
	VMOVUPD Y7, 224(DI)(CX*8)
	ADDQ $32, CX
	JMP  sum_32

sum_4:
	CMPQ DX, $4
	JLT  sum_1
	VXORPD Y0, Y0, Y0
	XORQ BX, BX

sum_4_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  sum_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	INCQ BX
	CMPQ BX, R10
	JLT  sum_4_row
	VMOVUPD Y0, (DI)(CX*8)
	ADDQ $4, CX
	SUBQ $4, DX
	JMP  sum_4

sum_1:
	CMPQ DX, $0
	JLE  sum_done
	VXORPD X0, X0, X0
	XORQ BX, BX

sum_1_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  sum_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VMOVSD (SI)(BX*8), X8
	VFMADD231SD (AX)(CX*8), X8, X0
	INCQ BX
	CMPQ BX, R10
	JLT  sum_1_row
	VMOVSD X0, (DI)(CX*8)
	INCQ CX
	DECQ DX
	JMP  sum_1

sum_done:
	VZEROUPPER
	MOVB $1, ok+112(FP)
	RET

sum_bad:
	VZEROUPPER
	MOVB $0, ok+112(FP)
	RET

// func dotRows512(z, w, x []float64, idx []int32, d int, b float64, rows int) (ok bool)
//
// AVX-512 version of dotRowsAsm, one row at a time (with w[0:64] held in
// registers when d ≥ 64): four 8-lane accumulators over blocks of 32 columns, the first over blocks of 8,
// summed as (acc0+acc1)+(acc2+acc3), halves, then blocks of 4 and lanes as
// in dotRowsAsm, then the remaining columns one by one.
TEXT ·dotRows512(SB), NOSPLIT, $0-121
	MOVQ z_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ x_base+48(FP), R8
	MOVQ idx_base+72(FP), R9
	MOVQ idx_len+80(FP), R10
	MOVQ d+96(FP), R11
	MOVSD b+104(FP), X14
	MOVQ R11, R13
	ANDQ $-32, R13    // d rounded down to 32
	MOVQ R11, R12
	ANDQ $-8, R12     // d rounded down to 8
	MOVQ R11, DX
	ANDQ $-4, DX      // d rounded down to 4
	XORQ BX, BX       // k
	CMPQ R11, $64
	JLT  z_row
	VMOVUPD (SI), Z16 // w[0:64] stays in registers
	VMOVUPD 64(SI), Z17
	VMOVUPD 128(SI), Z18
	VMOVUPD 192(SI), Z19
	VMOVUPD 256(SI), Z20
	VMOVUPD 320(SI), Z21
	VMOVUPD 384(SI), Z22
	VMOVUPD 448(SI), Z23

z_row:
	CMPQ BX, R10
	JGE  z_done
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+112(FP)
	JAE  z_bad
	IMULQ R11, AX
	LEAQ (R8)(AX*8), AX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	XORQ CX, CX
	CMPQ R11, $64
	JLT  z_32
	VFMADD231PD (AX), Z16, Z0
	VFMADD231PD 64(AX), Z17, Z1
	VFMADD231PD 128(AX), Z18, Z2
	VFMADD231PD 192(AX), Z19, Z3
	VFMADD231PD 256(AX), Z20, Z0
	VFMADD231PD 320(AX), Z21, Z1
	VFMADD231PD 384(AX), Z22, Z2
	VFMADD231PD 448(AX), Z23, Z3
	MOVQ $64, CX

z_32:
	CMPQ CX, R13
	JGE  z_8
	VMOVUPD (SI)(CX*8), Z8
	VMOVUPD 64(SI)(CX*8), Z9
	VMOVUPD 128(SI)(CX*8), Z10
	VMOVUPD 192(SI)(CX*8), Z11
	VFMADD231PD (AX)(CX*8), Z8, Z0
	VFMADD231PD 64(AX)(CX*8), Z9, Z1
	VFMADD231PD 128(AX)(CX*8), Z10, Z2
	VFMADD231PD 192(AX)(CX*8), Z11, Z3
	ADDQ $32, CX
	JMP  z_32

z_8:
	CMPQ CX, R12
	JGE  z_reduce
	VMOVUPD (SI)(CX*8), Z8
	VFMADD231PD (AX)(CX*8), Z8, Z0
	ADDQ $8, CX
	JMP  z_8

z_reduce:
	VADDPD Z1, Z0, Z0
	VADDPD Z3, Z2, Z2
	VADDPD Z2, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD Y1, Y0, Y0 // VEX: clears the upper half of Z0

z_4:
	CMPQ CX, DX
	JGE  z_lanes
	VMOVUPD (SI)(CX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	ADDQ $4, CX
	JMP  z_4

z_lanes:
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0

z_1:
	CMPQ CX, R11
	JGE  z_store
	VMOVSD (SI)(CX*8), X8
	VFMADD231SD (AX)(CX*8), X8, X0
	INCQ CX
	JMP  z_1

z_store:
	VSUBSD X14, X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  z_row

z_done:
	VZEROUPPER
	MOVB $1, ok+120(FP)
	RET

z_bad:
	VZEROUPPER
	MOVB $0, ok+120(FP)
	RET

// func sumRows512(g, x []float64, idx []int32, coef []float64, d, rows int) (ok bool)
//
// AVX-512 version of sumRowsAsm: columns in blocks of 64 (eight 8-lane
// accumulators), then 8, then 4, then 1; within a column the terms are added
// in increasing k.
TEXT ·sumRows512(SB), NOSPLIT, $0-113
	MOVQ g_base+0(FP), DI
	MOVQ x_base+24(FP), R8
	MOVQ idx_base+48(FP), R9
	MOVQ idx_len+56(FP), R10
	MOVQ coef_base+72(FP), SI
	MOVQ d+96(FP), R11
	MOVQ R11, R12
	SHLQ $3, R12      // bytes per row
	XORQ CX, CX       // first column of the block

g_64:
	MOVQ R11, DX
	SUBQ CX, DX
	CMPQ DX, $64
	JLT  g_8
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	XORQ BX, BX

g_64_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  g_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Z8
	VFMADD231PD (AX)(CX*8), Z8, Z0
	VFMADD231PD 64(AX)(CX*8), Z8, Z1
	VFMADD231PD 128(AX)(CX*8), Z8, Z2
	VFMADD231PD 192(AX)(CX*8), Z8, Z3
	VFMADD231PD 256(AX)(CX*8), Z8, Z4
	VFMADD231PD 320(AX)(CX*8), Z8, Z5
	VFMADD231PD 384(AX)(CX*8), Z8, Z6
	VFMADD231PD 448(AX)(CX*8), Z8, Z7
	INCQ BX
	CMPQ BX, R10
	JLT  g_64_row
	VMOVUPD Z0, (DI)(CX*8)
	VMOVUPD Z1, 64(DI)(CX*8)
	VMOVUPD Z2, 128(DI)(CX*8)
	VMOVUPD Z3, 192(DI)(CX*8)
	VMOVUPD Z4, 256(DI)(CX*8)
	VMOVUPD Z5, 320(DI)(CX*8)
	VMOVUPD Z6, 384(DI)(CX*8)
	VMOVUPD Z7, 448(DI)(CX*8)
	ADDQ $64, CX
	JMP  g_64

g_8:
	CMPQ DX, $8
	JLT  g_4
	VPXORQ Z0, Z0, Z0
	XORQ BX, BX

g_8_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  g_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Z8
	VFMADD231PD (AX)(CX*8), Z8, Z0
	INCQ BX
	CMPQ BX, R10
	JLT  g_8_row
	VMOVUPD Z0, (DI)(CX*8)
	ADDQ $8, CX
	SUBQ $8, DX
	JMP  g_8

g_4:
	CMPQ DX, $4
	JLT  g_1
	VXORPD Y0, Y0, Y0
	XORQ BX, BX

g_4_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  g_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Y8
	VFMADD231PD (AX)(CX*8), Y8, Y0
	INCQ BX
	CMPQ BX, R10
	JLT  g_4_row
	VMOVUPD Y0, (DI)(CX*8)
	ADDQ $4, CX
	SUBQ $4, DX
	JMP  g_4

g_1:
	CMPQ DX, $0
	JLE  g_done
	VXORPD X0, X0, X0
	XORQ BX, BX

g_1_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+104(FP)
	JAE  g_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VMOVSD (SI)(BX*8), X8
	VFMADD231SD (AX)(CX*8), X8, X0
	INCQ BX
	CMPQ BX, R10
	JLT  g_1_row
	VMOVSD X0, (DI)(CX*8)
	INCQ CX
	DECQ DX
	JMP  g_1

g_done:
	VZEROUPPER
	MOVB $1, ok+112(FP)
	RET

g_bad:
	VZEROUPPER
	MOVB $0, ok+112(FP)
	RET

// func prefetch(p unsafe.Pointer, n int)
//
// Hints the cache lines of the n bytes at p into the cache (PREFETCHT0 every
// 64 bytes). It never faults and changes no memory.
TEXT ·prefetch(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
	ADDQ AX, CX

pf_loop:
	CMPQ AX, CX
	JAE  pf_done
	PREFETCHT0 (AX)
	ADDQ $64, AX
	JMP  pf_loop

pf_done:
	RET

// func prefetch4(p0 unsafe.Pointer, n0 int, p1 unsafe.Pointer, n1 int, p2 unsafe.Pointer, n2 int, p3 unsafe.Pointer, n3 int)
//
// prefetch of four ranges in one call.
TEXT ·prefetch4(SB), NOSPLIT, $0-64
	MOVQ p0+0(FP), AX
	MOVQ n0+8(FP), CX
	ADDQ AX, CX

pf4_0:
	CMPQ AX, CX
	JAE  pf4_1s
	PREFETCHT0 (AX)
	ADDQ $64, AX
	JMP  pf4_0

pf4_1s:
	MOVQ p1+16(FP), AX
	MOVQ n1+24(FP), CX
	ADDQ AX, CX

pf4_1:
	CMPQ AX, CX
	JAE  pf4_2s
	PREFETCHT0 (AX)
	ADDQ $64, AX
	JMP  pf4_1

pf4_2s:
	MOVQ p2+32(FP), AX
	MOVQ n2+40(FP), CX
	ADDQ AX, CX

pf4_2:
	CMPQ AX, CX
	JAE  pf4_3s
	PREFETCHT0 (AX)
	ADDQ $64, AX
	JMP  pf4_2

pf4_3s:
	MOVQ p3+48(FP), AX
	MOVQ n3+56(FP), CX
	ADDQ AX, CX

pf4_3:
	CMPQ AX, CX
	JAE  pf4_done
	PREFETCHT0 (AX)
	ADDQ $64, AX
	JMP  pf4_3

pf4_done:
	RET

// func gramRows512(dz, g []float64, n int, cand, idx []int32, v []float64) (ok bool)
//
// dz[k] = sum_q v[q] * g[cand[k]*n + idx[q]]: per k, one 8-lane accumulator
// over gathers of 8 columns, its lanes summed as in dotRows512, then the
// remaining columns one by one. The caller checks idx; cand is checked here.
TEXT ·gramRows512(SB), NOSPLIT, $0-129
	MOVQ dz_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ n+48(FP), R11
	MOVQ cand_base+56(FP), R8
	MOVQ idx_base+80(FP), R9
	MOVQ idx_len+88(FP), R12
	MOVQ v_base+104(FP), DX
	MOVQ R12, R13
	ANDQ $-8, R13     // columns rounded down to 8
	XORQ BX, BX       // k

gr_row:
	CMPQ BX, cand_len+64(FP)
	JGE  gr_done
	MOVLQSX (R8)(BX*4), AX
	CMPQ AX, R11
	JAE  gr_bad
	IMULQ R11, AX
	LEAQ (SI)(AX*8), AX // &g[cand[k]*n]
	VPXORQ Z0, Z0, Z0
	XORQ CX, CX

gr_8:
	CMPQ CX, R13
	JGE  gr_reduce
	VMOVDQU (R9)(CX*4), Y2
	KXNORW K1, K1, K1
	VGATHERDPD (AX)(Y2*8), K1, Z3
	VFMADD231PD (DX)(CX*8), Z3, Z0
	ADDQ $8, CX
	JMP  gr_8

gr_reduce:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0

gr_1:
	CMPQ CX, R12
	JGE  gr_store
	MOVLQSX (R9)(CX*4), R10
	VMOVSD (DX)(CX*8), X8
	VFMADD231SD (AX)(R10*8), X8, X0
	INCQ CX
	JMP  gr_1

gr_store:
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  gr_row

gr_done:
	VZEROUPPER
	MOVB $1, ok+128(FP)
	RET

gr_bad:
	VZEROUPPER
	MOVB $0, ok+128(FP)
	RET

// func dotRows4(z, w, x []float64, n, d int, b []float64)
//
// z[k*n+i] = <w[k*d : k*d+d], x[i*d : i*d+d]> - b[k] for k < 4 and every
// row i < n: four neurons share each load of a row of x. Per neuron: two
// 8-lane accumulators over blocks of 16 columns, the first over blocks of 8,
// summed, halves and lanes as in dotRows512, then the remaining columns one
// by one. The caller checks the lengths.
TEXT ·dotRows4(SB), NOSPLIT, $0-112
	MOVQ b_base+88(FP), CX
	VMOVSD (CX), X10
	VMOVSD 8(CX), X11
	VMOVSD 16(CX), X12
	VMOVSD 24(CX), X13
	MOVQ w_base+24(FP), SI
	MOVQ d+80(FP), R11
	LEAQ (SI)(R11*8), R8
	LEAQ (R8)(R11*8), R9
	LEAQ (R9)(R11*8), R10
	MOVQ z_base+0(FP), DI
	MOVQ x_base+48(FP), AX
	MOVQ n+72(FP), R12
	SHLQ $3, R12      // bytes per output row
	MOVQ R11, R13
	ANDQ $-16, R13    // d rounded down to 16
	MOVQ R11, DX
	ANDQ $-8, DX      // d rounded down to 8
	XORQ BX, BX       // i

m_row:
	CMPQ BX, n+72(FP)
	JGE  m_done
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	XORQ CX, CX

m_16:
	CMPQ CX, R13
	JGE  m_8
	VMOVUPD (AX)(CX*8), Z8
	VMOVUPD 64(AX)(CX*8), Z9
	VFMADD231PD (SI)(CX*8), Z8, Z0
	VFMADD231PD 64(SI)(CX*8), Z9, Z1
	VFMADD231PD (R8)(CX*8), Z8, Z2
	VFMADD231PD 64(R8)(CX*8), Z9, Z3
	VFMADD231PD (R9)(CX*8), Z8, Z4
	VFMADD231PD 64(R9)(CX*8), Z9, Z5
	VFMADD231PD (R10)(CX*8), Z8, Z6
	VFMADD231PD 64(R10)(CX*8), Z9, Z7
	ADDQ $16, CX
	JMP  m_16

m_8:
	CMPQ CX, DX
	JGE  m_reduce
	VMOVUPD (AX)(CX*8), Z8
	VFMADD231PD (SI)(CX*8), Z8, Z0
	VFMADD231PD (R8)(CX*8), Z8, Z2
	VFMADD231PD (R9)(CX*8), Z8, Z4
	VFMADD231PD (R10)(CX*8), Z8, Z6
	ADDQ $8, CX
	JMP  m_8

m_reduce:
	VADDPD Z1, Z0, Z0
	VADDPD Z3, Z2, Z2
	VADDPD Z5, Z4, Z4
	VADDPD Z7, Z6, Z6
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0
	VEXTRACTF64X4 $1, Z2, Y3
	VADDPD Y3, Y2, Y2
	VEXTRACTF128 $1, Y2, X3
	VADDPD X3, X2, X2
	VPERMILPD $1, X2, X3
	VADDSD X3, X2, X2
	VEXTRACTF64X4 $1, Z4, Y5
	VADDPD Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD X5, X4, X4
	VPERMILPD $1, X4, X5
	VADDSD X5, X4, X4
	VEXTRACTF64X4 $1, Z6, Y7
	VADDPD Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X7
	VADDPD X7, X6, X6
	VPERMILPD $1, X6, X7
	VADDSD X7, X6, X6

m_1:
	CMPQ CX, R11
	JGE  m_store
	VMOVSD (AX)(CX*8), X8
	VFMADD231SD (SI)(CX*8), X8, X0
	VFMADD231SD (R8)(CX*8), X8, X2
	VFMADD231SD (R9)(CX*8), X8, X4
	VFMADD231SD (R10)(CX*8), X8, X6
	INCQ CX
	JMP  m_1

m_store:
	VSUBSD X10, X0, X0
	VSUBSD X11, X2, X2
	VSUBSD X12, X4, X4
	VSUBSD X13, X6, X6
	LEAQ (DI)(BX*8), CX
	VMOVSD X0, (CX)
	ADDQ R12, CX
	VMOVSD X2, (CX)
	ADDQ R12, CX
	VMOVSD X4, (CX)
	ADDQ R12, CX
	VMOVSD X6, (CX)
	LEAQ (AX)(R11*8), AX
	INCQ BX
	JMP  m_row

m_done:
	VZEROUPPER
	RET

// func dotRowsFire512(z, w, x []float64, idx []int32, d int, b float64, rows int, on []uint64) (ok bool)
//
// dotRows512 for d a multiple of 8, four rows at a time (the last one to
// three rows with copies of the first in the missing places, stored under a
// mask), in the same order of operations (so with the same bits): per
// row, four 8-lane accumulators over w[0:64] held in registers (d ≥ 64),
// then blocks of 32 columns, then blocks of 8 into the first; the four
// rows' sums (acc0+acc1)+(acc2+acc3) are then reduced together by shuffles
// that add the same pairs of lanes as dotRows512 (halves, then lanes 0,1 +
// 2,3, then lane 0 + 1). It also ORs bit k&63 of on[k>>6] for every k with
// z[k] ≥ 0 (the caller clears on).
TEXT ·dotRowsFire512(SB), NOSPLIT, $0-145
	MOVQ z_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ x_base+48(FP), R8
	MOVQ idx_base+72(FP), R9
	MOVQ d+96(FP), R11
	MOVQ R11, R13
	ANDQ $-32, R13    // d rounded down to 32
	VBROADCASTSD b+104(FP), Y30
	VPXORQ Z31, Z31, Z31
	MOVQ $0x55, AX
	KMOVW AX, K2
	XORQ BX, BX       // k
	CMPQ R11, $64
	JLT  f_rows
	VMOVUPD (SI), Z16 // w[0:64] stays in registers
	VMOVUPD 64(SI), Z17
	VMOVUPD 128(SI), Z18
	VMOVUPD 192(SI), Z19
	VMOVUPD 256(SI), Z20
	VMOVUPD 320(SI), Z21
	VMOVUPD 384(SI), Z22
	VMOVUPD 448(SI), Z23

f_rows:
	MOVQ idx_len+80(FP), R12
	SUBQ BX, R12      // rows left
	JLE  f_done
	CMPQ R12, $4
	JLE  f_mask
	MOVQ $4, R12

f_mask:
	MOVQ R12, CX
	MOVL $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K3      // the rows of this group: four, or the last one to three
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+112(FP)
	JAE  f_bad
	IMULQ R11, AX
	LEAQ (R8)(AX*8), AX
	MOVQ AX, CX       // missing rows repeat the first one
	MOVQ AX, DX
	MOVQ AX, R10
	CMPQ R12, $2
	JLT  f_start
	MOVLQSX 4(R9)(BX*4), CX
	CMPQ CX, rows+112(FP)
	JAE  f_bad
	IMULQ R11, CX
	LEAQ (R8)(CX*8), CX
	CMPQ R12, $3
	JLT  f_start
	MOVLQSX 8(R9)(BX*4), DX
	CMPQ DX, rows+112(FP)
	JAE  f_bad
	IMULQ R11, DX
	LEAQ (R8)(DX*8), DX
	CMPQ R12, $4
	JLT  f_start
	MOVLQSX 12(R9)(BX*4), R10
	CMPQ R10, rows+112(FP)
	JAE  f_bad
	IMULQ R11, R10
	LEAQ (R8)(R10*8), R10

f_start:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	XORQ R12, R12
	CMPQ R11, $64
	JLT  f_32
	VFMADD231PD (AX), Z16, Z0
	VFMADD231PD 64(AX), Z17, Z1
	VFMADD231PD 128(AX), Z18, Z2
	VFMADD231PD 192(AX), Z19, Z3
	VFMADD231PD (CX), Z16, Z4
	VFMADD231PD 64(CX), Z17, Z5
	VFMADD231PD 128(CX), Z18, Z6
	VFMADD231PD 192(CX), Z19, Z7
	VFMADD231PD (DX), Z16, Z8
	VFMADD231PD 64(DX), Z17, Z9
	VFMADD231PD 128(DX), Z18, Z10
	VFMADD231PD 192(DX), Z19, Z11
	VFMADD231PD (R10), Z16, Z12
	VFMADD231PD 64(R10), Z17, Z13
	VFMADD231PD 128(R10), Z18, Z14
	VFMADD231PD 192(R10), Z19, Z15
	VFMADD231PD 256(AX), Z20, Z0
	VFMADD231PD 320(AX), Z21, Z1
	VFMADD231PD 384(AX), Z22, Z2
	VFMADD231PD 448(AX), Z23, Z3
	VFMADD231PD 256(CX), Z20, Z4
	VFMADD231PD 320(CX), Z21, Z5
	VFMADD231PD 384(CX), Z22, Z6
	VFMADD231PD 448(CX), Z23, Z7
	VFMADD231PD 256(DX), Z20, Z8
	VFMADD231PD 320(DX), Z21, Z9
	VFMADD231PD 384(DX), Z22, Z10
	VFMADD231PD 448(DX), Z23, Z11
	VFMADD231PD 256(R10), Z20, Z12
	VFMADD231PD 320(R10), Z21, Z13
	VFMADD231PD 384(R10), Z22, Z14
	VFMADD231PD 448(R10), Z23, Z15
	MOVQ $64, R12

f_32:
	CMPQ R12, R13
	JGE  f_8
	VMOVUPD (SI)(R12*8), Z24
	VMOVUPD 64(SI)(R12*8), Z25
	VMOVUPD 128(SI)(R12*8), Z26
	VMOVUPD 192(SI)(R12*8), Z27
	VFMADD231PD (AX)(R12*8), Z24, Z0
	VFMADD231PD 64(AX)(R12*8), Z25, Z1
	VFMADD231PD 128(AX)(R12*8), Z26, Z2
	VFMADD231PD 192(AX)(R12*8), Z27, Z3
	VFMADD231PD (CX)(R12*8), Z24, Z4
	VFMADD231PD 64(CX)(R12*8), Z25, Z5
	VFMADD231PD 128(CX)(R12*8), Z26, Z6
	VFMADD231PD 192(CX)(R12*8), Z27, Z7
	VFMADD231PD (DX)(R12*8), Z24, Z8
	VFMADD231PD 64(DX)(R12*8), Z25, Z9
	VFMADD231PD 128(DX)(R12*8), Z26, Z10
	VFMADD231PD 192(DX)(R12*8), Z27, Z11
	VFMADD231PD (R10)(R12*8), Z24, Z12
	VFMADD231PD 64(R10)(R12*8), Z25, Z13
	VFMADD231PD 128(R10)(R12*8), Z26, Z14
	VFMADD231PD 192(R10)(R12*8), Z27, Z15
	ADDQ $32, R12
	JMP  f_32

f_8:
	CMPQ R12, R11
	JGE  f_reduce
	VMOVUPD (SI)(R12*8), Z24
	VFMADD231PD (AX)(R12*8), Z24, Z0
	VFMADD231PD (CX)(R12*8), Z24, Z4
	VFMADD231PD (DX)(R12*8), Z24, Z8
	VFMADD231PD (R10)(R12*8), Z24, Z12
	ADDQ $8, R12
	JMP  f_8

f_reduce:
	VADDPD Z1, Z0, Z0
	VADDPD Z3, Z2, Z2
	VADDPD Z2, Z0, Z0 // row k
	VADDPD Z5, Z4, Z4
	VADDPD Z7, Z6, Z6
	VADDPD Z6, Z4, Z4 // row k+1
	VADDPD Z9, Z8, Z8
	VADDPD Z11, Z10, Z10
	VADDPD Z10, Z8, Z8 // row k+2
	VADDPD Z13, Z12, Z12
	VADDPD Z15, Z14, Z14
	VADDPD Z14, Z12, Z12 // row k+3
	VSHUFF64X2 $0x44, Z4, Z0, Z1 // low halves of rows k, k+1
	VSHUFF64X2 $0xEE, Z4, Z0, Z2 // high halves
	VADDPD Z2, Z1, Z1
	VSHUFF64X2 $0x44, Z12, Z8, Z5
	VSHUFF64X2 $0xEE, Z12, Z8, Z6
	VADDPD Z6, Z5, Z5
	VSHUFF64X2 $0x88, Z5, Z1, Z2 // lanes 0,1 of each row
	VSHUFF64X2 $0xDD, Z5, Z1, Z3 // lanes 2,3
	VADDPD Z3, Z2, Z2
	VPERMILPD $0x55, Z2, Z3
	VADDPD Z3, Z2, Z2
	VCOMPRESSPD Z2, K2, Z3 // lanes 0, 2, 4, 6
	VSUBPD Y30, Y3, Y3
	VMOVUPD Y3, K3, (DI)(BX*8)
	VCMPPD $0x1d, Y31, Y3, K1 // z ≥ 0 (false for NaN)
	KANDW K3, K1, K1
	KMOVW K1, R12
	MOVQ BX, CX
	ANDQ $63, CX
	SHLQ CX, R12
	MOVQ BX, DX
	SHRQ $6, DX
	MOVQ on_base+120(FP), AX
	ORQ R12, (AX)(DX*8)
	ADDQ $4, BX
	JMP  f_rows

f_done:
	VZEROUPPER
	MOVB $1, ok+144(FP)
	RET

f_bad:
	VZEROUPPER
	MOVB $0, ok+144(FP)
	RET

// func stepRows512(g, w, x []float64, idx []int32, coef []float64, d int, alpha float64, rows int) (gg float64, ok bool)
//
// For d a multiple of 8 and len(idx) ≥ 1: g = sum_k coef[k] x[idx[k]] as
// sumRows512 computes it (columns in blocks of 64, then 8; terms in
// increasing k), then w += alpha*g as gonum's AxpyUnitary (a product, then
// a sum, each rounded) and gg = <g, g> as gonum's DotUnitary (per column
// class j mod 4 the products in increasing j, then (s0+s2) + (s1+s3)):
// the same bits as sumRows, floats.AddScaled and floats.Dot.
TEXT ·stepRows512(SB), NOSPLIT, $0-153
	MOVQ g_base+0(FP), DI
	MOVQ x_base+48(FP), R8
	MOVQ idx_base+72(FP), R9
	MOVQ idx_len+80(FP), R10
	MOVQ coef_base+96(FP), SI
	MOVQ d+120(FP), R11
	MOVQ R11, R12
	SHLQ $3, R12      // bytes per row
	XORQ CX, CX       // first column of the block

s_64:
	MOVQ R11, DX
	SUBQ CX, DX
	CMPQ DX, $64
	JLT  s_8
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	XORQ BX, BX

s_64_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+136(FP)
	JAE  s_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Z8
	VFMADD231PD (AX)(CX*8), Z8, Z0
	VFMADD231PD 64(AX)(CX*8), Z8, Z1
	VFMADD231PD 128(AX)(CX*8), Z8, Z2
	VFMADD231PD 192(AX)(CX*8), Z8, Z3
	VFMADD231PD 256(AX)(CX*8), Z8, Z4
	VFMADD231PD 320(AX)(CX*8), Z8, Z5
	VFMADD231PD 384(AX)(CX*8), Z8, Z6
	VFMADD231PD 448(AX)(CX*8), Z8, Z7
	INCQ BX
	CMPQ BX, R10
	JLT  s_64_row
	VMOVUPD Z0, (DI)(CX*8)
	VMOVUPD Z1, 64(DI)(CX*8)
	VMOVUPD Z2, 128(DI)(CX*8)
	VMOVUPD Z3, 192(DI)(CX*8)
	VMOVUPD Z4, 256(DI)(CX*8)
	VMOVUPD Z5, 320(DI)(CX*8)
	VMOVUPD Z6, 384(DI)(CX*8)
	VMOVUPD Z7, 448(DI)(CX*8)
	ADDQ $64, CX
	JMP  s_64

s_8:
	CMPQ DX, $8
	JLT  s_update
	VPXORQ Z0, Z0, Z0
	XORQ BX, BX

s_8_row:
	MOVLQSX (R9)(BX*4), AX
	CMPQ AX, rows+136(FP)
	JAE  s_bad
	IMULQ R12, AX
	ADDQ R8, AX
	VBROADCASTSD (SI)(BX*8), Z8
	VFMADD231PD (AX)(CX*8), Z8, Z0
	INCQ BX
	CMPQ BX, R10
	JLT  s_8_row
	VMOVUPD Z0, (DI)(CX*8)
	ADDQ $8, CX
	SUBQ $8, DX
	JMP  s_8

s_update:
	MOVQ w_base+24(FP), SI
	VBROADCASTSD alpha+128(FP), Z9
	VXORPD Y2, Y2, Y2 // gg: four column classes
	XORQ CX, CX

s_update_8:
	CMPQ CX, R11
	JGE  s_reduce
	VMOVUPD (DI)(CX*8), Z0
	VMULPD Z9, Z0, Z1
	VADDPD (SI)(CX*8), Z1, Z1
	VMOVUPD Z1, (SI)(CX*8)
	VMULPD Y0, Y0, Y3
	VADDPD Y3, Y2, Y2
	VEXTRACTF64X4 $1, Z0, Y4
	VMULPD Y4, Y4, Y4
	VADDPD Y4, Y2, Y2
	ADDQ $8, CX
	JMP  s_update_8

s_reduce:
	VEXTRACTF128 $1, Y2, X3
	VADDPD X3, X2, X2
	VPERMILPD $1, X2, X3
	VADDSD X3, X2, X2
	VZEROUPPER
	MOVSD X2, gg+144(FP)
	MOVB $1, ok+152(FP)
	RET

s_bad:
	VZEROUPPER
	MOVB $0, ok+152(FP)
	RET
