/** The errno values the iterator and extraction code returns (include/uapi/asm-generic/errno-base.h). */
export const EIO = 5;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EINVAL = 22;
