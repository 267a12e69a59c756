using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

// Creating, reading, updating and deleting znodes.
public sealed partial class ZooKeeperClient
{
    /// <summary>The largest TTL a TTL node may have (<c>EphemeralType.TTL.maxValue</c>: 2^40 - 1 ms).</summary>
    public const long MaxTtl = 0xFF_FFFF_FFFFL;

    /// <summary>
    /// Creates a znode and returns its path (with the sequence suffix for sequential modes). TTL modes need
    /// <paramref name="ttl"/> in milliseconds and a server with <c>zookeeper.extendedTypesEnabled</c>; containers are
    /// deleted by the server once their last child is gone. <paramref name="acl"/> defaults to world:anyone:cdrwa.
    /// </summary>
    public ValueTask<string> CreateAsync(
        string path,
        ReadOnlyMemory<byte> data = default,
        CreateMode mode = CreateMode.Persistent,
        IReadOnlyList<Acl>? acl = null,
        long ttl = 0,
        CancellationToken cancellationToken = default)
    {
        var opCode = CreateOpCode(path, mode, ref acl, ttl, withStat: false);
        var request = Request<string>.Rent(ResponseReaders.CreatedPath);
        request.Begin(this, opCode, path);
        WriteCreate(new JuteWriter(request.Frame), path, data.Span, acl, mode, ttl, opCode);
        return Submit(request, cancellationToken);
    }

    /// <summary><see cref="CreateAsync"/> that also returns the new znode's Stat (create2).</summary>
    public ValueTask<(string Path, Stat Stat)> CreateWithStatAsync(
        string path,
        ReadOnlyMemory<byte> data = default,
        CreateMode mode = CreateMode.Persistent,
        IReadOnlyList<Acl>? acl = null,
        long ttl = 0,
        CancellationToken cancellationToken = default)
    {
        var opCode = CreateOpCode(path, mode, ref acl, ttl, withStat: true);
        var request = Request<(string, Stat)>.Rent(ResponseReaders.Created2);
        request.Begin(this, opCode, path);
        WriteCreate(new JuteWriter(request.Frame), path, data.Span, acl, mode, ttl, opCode);
        return Submit(request, cancellationToken);
    }

    /// <summary>Deletes a znode if its version is <paramref name="version"/> (-1: any version).</summary>
    public ValueTask DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        var request = Request<bool>.Rent(null);
        request.Begin(this, OpCode.Delete, path);
        var writer = new JuteWriter(request.Frame);
        // ZooKeeper.delete: "/" is not chrooted, so a chrooted client cannot delete its own root.
        if (path == "/")
        {
            writer.WriteString(path);
        }
        else
        {
            WritePath(writer, path);
        }

        writer.WriteInt(version);
        return SubmitVoid(request, cancellationToken);
    }

    /// <summary>The znode's Stat, or null when it does not exist.</summary>
    public ValueTask<Stat?> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        ExistsAsync(path, null, cancellationToken);

    /// <summary>
    /// The znode's Stat, or null when it does not exist; <paramref name="watcher"/> (when given) fires once when the
    /// znode is created, changed or deleted — it is set either way.
    /// </summary>
    public ValueTask<Stat?> ExistsAsync(string path, Action<WatchedEvent>? watcher, CancellationToken cancellationToken = default)
    {
        var request = PathWatchRequest(ResponseReaders.OptionalStat, OpCode.Exists, path, watcher, WatchKind.Exists);
        request.NoNodeIsNull = true;
        return Submit(request, cancellationToken);
    }

    public ValueTask<(byte[] Data, Stat Stat)> GetDataAsync(string path, CancellationToken cancellationToken = default) =>
        GetDataAsync(path, null, cancellationToken);

    /// <summary>The znode's data and Stat; <paramref name="watcher"/> (when given) fires once when it changes or is deleted.</summary>
    public ValueTask<(byte[] Data, Stat Stat)> GetDataAsync(string path, Action<WatchedEvent>? watcher, CancellationToken cancellationToken = default) =>
        Submit(PathWatchRequest(ResponseReaders.Data, OpCode.GetData, path, watcher, WatchKind.Data), cancellationToken);

    /// <summary>Replaces the znode's data if its version is <paramref name="version"/> (-1: any version); returns the new Stat.</summary>
    public ValueTask<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        var request = Request<Stat>.Rent(ResponseReaders.Stat);
        request.Begin(this, OpCode.SetData, path);
        var writer = new JuteWriter(request.Frame);
        WritePath(writer, path);
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
        return Submit(request, cancellationToken);
    }

    private Request<T> PathWatchRequest<T>(ResponseReader<T> reader, OpCode opCode, string path, Action<WatchedEvent>? watcher, WatchKind kind)
    {
        ValidatePath(path);
        var request = Request<T>.Rent(reader);
        request.Begin(this, opCode, path);
        if (watcher is not null)
        {
            request.Watcher = watcher;
            request.WatchKind = kind;
        }

        var writer = new JuteWriter(request.Frame);
        WritePath(writer, path);
        writer.WriteBool(watcher is not null);
        return request;
    }

    private Request<T> PathRequest<T>(ResponseReader<T>? reader, OpCode opCode, string path)
    {
        ValidatePath(path);
        var request = Request<T>.Rent(reader);
        request.Begin(this, opCode, path);
        WritePath(new JuteWriter(request.Frame), path);
        return request;
    }

    /// <summary>The opcode for a create, after Java's client-side checks (path, TTL, ACL).</summary>
    internal static OpCode CreateOpCode(string path, CreateMode mode, ref IReadOnlyList<Acl>? acl, long ttl, bool withStat)
    {
        ValidatePath(path, mode.IsSequential());
        if (mode.IsTtl())
        {
            if (ttl <= 0 || ttl > MaxTtl)
            {
                throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"a TTL node needs a ttl in (0, {MaxTtl}] ms");
            }
        }
        else if (ttl > 0)
        {
            throw new ArgumentException($"ttl is only valid for TTL modes, not {mode}", nameof(ttl));
        }

        acl ??= Acls.OpenAclUnsafe;
        if (acl.Count == 0)
        {
            throw new InvalidAclException(path, "an ACL must have at least one entry");
        }

        return mode.IsContainer() ? OpCode.CreateContainer
            : mode.IsTtl() ? OpCode.CreateTtl
            : withStat ? OpCode.Create2
            : OpCode.Create;
    }

    internal void WriteCreate(in JuteWriter writer, string path, ReadOnlySpan<byte> data, IReadOnlyList<Acl>? acl, CreateMode mode, long ttl, OpCode opCode)
    {
        WritePath(writer, path);
        writer.WriteBuffer(data);
        Acl.WriteList(writer, acl);
        writer.WriteInt((int)mode);
        if (opCode == OpCode.CreateTtl)
        {
            writer.WriteLong(ttl);
        }
    }

    internal static void ValidatePath(string path, bool isSequential = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (ZnodePath.Validate(path, isSequential) is { } problem)
        {
            throw new ArgumentException(problem, nameof(path));
        }
    }
}
