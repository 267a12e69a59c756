using System.Globalization;
using CoordAspire.Storage;
using CoordAspire.Zab;

namespace CoordAspire.Node.Persistence;

/// <summary>
/// <c>acceptedEpoch</c> and <c>currentEpoch</c> in <c>dataDir/version-2</c> (QuorumPeer.readLongFromFile,
/// writeLongToFile): each holds one decimal number, written atomically (a temporary file, fsynced, renamed over the
/// old one, the directory fsynced), so a crash leaves the old value or the new one and never a torn file. A member
/// that finds none (a new dataDir, or one written by a standalone server) starts from the epoch of its last zxid,
/// as ZooKeeper does.
/// </summary>
internal sealed class EpochFiles(string snapDir)
{
    public const string AcceptedEpochFile = "acceptedEpoch";
    public const string CurrentEpochFile = "currentEpoch";

    /// <summary>Reads both files, creating missing ones from <paramref name="lastZxid"/>'s epoch (QuorumPeer.loadDataBase).</summary>
    public EpochState Load(long lastZxid)
    {
        long epochOfZxid = Zxid.EpochOf(Math.Max(0, lastZxid));
        long current = ReadOrCreate(CurrentEpochFile, epochOfZxid);
        if (epochOfZxid > current)
        {
            throw new InvalidDataException(
                $"The current epoch, {current}, is older than the last zxid, 0x{lastZxid:x} ({Path.Combine(snapDir, CurrentEpochFile)}).");
        }

        long accepted = ReadOrCreate(AcceptedEpochFile, epochOfZxid);
        if (accepted < current)
        {
            throw new InvalidDataException($"The accepted epoch, {accepted}, is less than the current epoch, {current} ({snapDir}).");
        }

        return new EpochState(accepted, current);
    }

    /// <summary>Writes what changed; durable when it returns (ZAB: before the ACKEPOCH or NEWLEADER ack leaves).</summary>
    public void Save(EpochState previous, EpochState next)
    {
        if (next.AcceptedEpoch != previous.AcceptedEpoch)
        {
            Write(AcceptedEpochFile, next.AcceptedEpoch);
        }

        if (next.CurrentEpoch != previous.CurrentEpoch)
        {
            Write(CurrentEpochFile, next.CurrentEpoch);
        }
    }

    private long ReadOrCreate(string name, long fallback)
    {
        string path = Path.Combine(snapDir, name);
        if (!File.Exists(path))
        {
            Write(name, fallback);
            return fallback;
        }

        string line = (File.ReadLines(path).FirstOrDefault() ?? "").Trim();
        return long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new InvalidDataException($"Found \"{line}\" in {path}, which should hold an epoch number.");
    }

    private void Write(string name, long value)
    {
        Directory.CreateDirectory(snapDir);
        string path = Path.Combine(snapDir, name);
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Sync(snapDir);
    }
}
