namespace CoordAspire.Storage;

/// <summary>
/// Log preallocation (<c>FilePadding</c>): a log file is grown ahead of the writes in blocks of
/// <c>preAllocSize</c> (64 MiB by default, <c>zookeeper.preAllocSize</c> in KiB), so that appending rarely changes
/// the file's size (an fsync then need not write metadata), and the unwritten rest of the file reads as zeros,
/// which is where a reader stops.
/// </summary>
public static class FilePadding
{
    public const long DefaultPreAllocSize = 64L * 1024 * 1024;

    /// <summary>
    /// <c>FilePadding.calculateFileSizeWithPadding</c>: once the write position comes within 4 KiB of the known end
    /// of the file, the file grows by one block (or, if writes already ran past the end, to the next block boundary
    /// past the position). Otherwise, or when preallocation is off (size ≤ 0), the size is unchanged.
    /// </summary>
    public static long CalculateFileSizeWithPadding(long position, long fileSize, long preAllocSize)
    {
        if (preAllocSize > 0 && position + 4096 >= fileSize)
        {
            if (position > fileSize)
            {
                fileSize = position + preAllocSize;
                fileSize -= fileSize % preAllocSize;
            }
            else
            {
                fileSize += preAllocSize;
            }
        }

        return fileSize;
    }
}
