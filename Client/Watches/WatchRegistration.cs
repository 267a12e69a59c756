using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>Which client-side table a successful request adds its watcher to (Java's <c>*WatchRegistration</c>).</summary>
internal enum WatchKind : byte
{
    None,

    /// <summary>getData: a data watch, registered only when the node exists.</summary>
    Data,

    /// <summary>exists: a data watch when the node exists, an exist watch (for its creation) on NoNode.</summary>
    Exists,

    /// <summary>getChildren: a child watch.</summary>
    Child,

    /// <summary>addWatch PERSISTENT.</summary>
    Persistent,

    /// <summary>addWatch PERSISTENT_RECURSIVE.</summary>
    PersistentRecursive,
}

/// <summary>A removeWatches/checkWatches request's client-side half (Java's <c>WatchDeregistration</c>):
/// which watchers to drop once the server agrees, or regardless when <see cref="Local"/>.</summary>
internal sealed record WatchDeregistration(string Path, Action<WatchedEvent>? Watcher, WatcherType Type, bool Local);
