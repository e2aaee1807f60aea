package eval

// elemKernels is the kernel table of this family. (placeholder: filled in by the family's owner)
var elemKernels = []KernelDef{}
