# SPDX-License-Identifier: MIT
# insn_vex_corpus.s - VEX encodings of the crypto and dot-product families, assembled by
# `as --32` and cross-checked against objdump (host.insn_xcheck_vex): the decoder once
# refused vaesimc (c4 e2 79 db), a VEX 0F38 opcode its table left out. Register and
# memory forms (ModRM, SIB, disp8, disp32), 128 and 256 bits, each family's immediate.
	.text
	.globl vex_corpus
vex_corpus:
	# AES (VEX.66.0F38 DB-DF, 0F3A DF) and VAES (256-bit)
	vaesimc %xmm4, %xmm6
	vaesimc (%eax), %xmm1
	vaesimc 0x12345678(%ebx,%ecx,4), %xmm7
	vaesenc %xmm1, %xmm2, %xmm3
	vaesenc 8(%esp), %xmm2, %xmm3
	vaesenclast %xmm1, %xmm2, %xmm3
	vaesdec %xmm1, %xmm2, %xmm3
	vaesdeclast -16(%ebp), %xmm2, %xmm3
	vaesenc %ymm1, %ymm2, %ymm3
	vaesenclast (%esi), %ymm2, %ymm3
	vaesdec %ymm1, %ymm2, %ymm3
	vaesdeclast 0x100(%edi,%eax,8), %ymm2, %ymm3
	vaeskeygenassist $0x1b, %xmm1, %xmm2
	vaeskeygenassist $1, 4(%eax), %xmm2
	# carry-less multiply (VEX.66.0F3A 44), VPCLMULQDQ 256-bit
	vpclmulqdq $0x11, %xmm1, %xmm2, %xmm3
	vpclmulqdq $0, (%ecx), %xmm2, %xmm3
	vpclmullqhqdq %xmm1, %xmm2, %xmm3
	vpclmulqdq $0x10, %ymm1, %ymm2, %ymm3
	vpclmulqdq $1, 0x40(%edx), %ymm2, %ymm3
	# GFNI (VEX.66.0F38 CF, 0F3A CE, CF)
	vgf2p8mulb %xmm1, %xmm2, %xmm3
	vgf2p8mulb (%eax), %ymm2, %ymm3
	vgf2p8affineqb $0x55, %xmm1, %xmm2, %xmm3
	vgf2p8affineqb $0, 0x1000, %ymm2, %ymm3
	vgf2p8affineinvqb $0xaa, %xmm1, %xmm2, %xmm3
	vgf2p8affineinvqb $1, (%esp), %ymm2, %ymm3
	# AVX-VNNI (VEX.66.0F38 50-53), AVX-VNNI-INT8 (F2/F3 50, 51), AVX-IFMA (B4, B5)
	{vex} vpdpbusd %xmm1, %xmm2, %xmm3
	{vex} vpdpbusds (%eax), %ymm2, %ymm3
	{vex} vpdpwssd %xmm1, %xmm2, %xmm3
	{vex} vpdpwssds 8(%ebx), %ymm2, %ymm3
	vpdpbssd %xmm1, %xmm2, %xmm3
	vpdpbsuds (%eax), %ymm2, %ymm3
	vpdpbuud %xmm1, %xmm2, %xmm3
	{vex} vpmadd52luq %xmm1, %xmm2, %xmm3
	{vex} vpmadd52huq (%ecx), %ymm2, %ymm3
	# AVX-NE-CONVERT (0F38 72, B0, B1)
	{vex} vcvtneps2bf16 %xmm1, %xmm2
	vbcstnebf162ps (%eax), %xmm2
	vbcstnesh2ps (%eax), %ymm2
	vcvtneebf162ps (%eax), %xmm2
	vcvtneoph2ps (%eax), %ymm2
	# SHA (legacy 0F38 C8-CD, 0F3A CC) beside the VEX forms
	sha1rnds4 $3, %xmm1, %xmm2
	sha256rnds2 %xmm0, (%eax), %xmm2
	sha256msg1 %xmm1, %xmm2
	# AES-NI and PCLMULQDQ, legacy encodings
	aesimc %xmm1, %xmm2
	aesenc (%eax), %xmm2
	aeskeygenassist $7, %xmm1, %xmm2
	pclmulqdq $0x11, %xmm1, %xmm2
	gf2p8affineqb $1, %xmm1, %xmm2
	ret
