namespace CoordAspire.Database.Watches;

/// <summary>The modes one watcher holds on one path (<c>WatchStats</c>): a one-shot watch may sit beside a persistent one.</summary>
[Flags]
public enum WatchModes : byte
{
    None = 0,
    Standard = 1,
    Persistent = 2,
    PersistentRecursive = 4,
}
