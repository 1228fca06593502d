package model

import "math"

// expf is e^x in float32 with a few ulp of error (Cephes expf polynomial
// after reduction by ln 2); arguments are clamped to [-87, 88] so the result
// stays finite and normal. math.Exp in float64 costs several times more and
// the activations run it hundreds of millions of times per training step.
func expf(x float32) float32 {
	if x > 88 {
		x = 88
	} else if x < -87 {
		x = -87
	}
	t := x * 1.44269504088896341
	r := (t + 12582912) - 12582912 // round to nearest: 1.5*2^23 trick
	n := int32(r)
	x = x - r*0.693359375 + r*2.12194440e-4
	z := x * x
	p := ((((1.9875691500e-4*x+1.3981999507e-3)*x+8.3334519073e-3)*x+4.1665795894e-2)*x+1.6666665459e-1)*x + 5.0000001201e-1
	p = p*z + x + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// sigmoidf is 1/(1+e^-x).
func sigmoidf(x float32) float32 { return 1 / (1 + expf(-x)) }
