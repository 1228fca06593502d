// Package augment implements RandAugment for training images, in both the
// TensorFlow and torchvision conventions, deterministically per
// (seed, epoch, sample id).
package augment
