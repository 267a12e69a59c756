namespace CoordAspire.Storage.Tests.Support;

/// <summary>A throw-away directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "coordaspire-storage-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies <paramref name="source"/> (recursively) into a new subdirectory and returns its path.</summary>
    public string CopyFrom(string source, string name)
    {
        var target = Combine(name);
        Copy(source, target);
        return target;
    }

    public static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)), overwrite: true);
        }

        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            Copy(dir, System.IO.Path.Combine(target, System.IO.Path.GetFileName(dir)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
