using System.Security.Cryptography;
using System.Text;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// A Java helper program of the tests, compiled once per test run against Debian's ZooKeeper jars into a temp
/// directory keyed by its source and the jars (filled atomically: compiled into a staging directory, then moved),
/// so that parallel test processes share one compilation and a changed source is compiled again.
/// </summary>
/// <param name="sourcePath">The .java file.</param>
/// <param name="className">Its class, whose .class file says the compilation is there.</param>
/// <param name="cacheName">The temp subdirectory, e.g. "coordaspire-treedump".</param>
/// <param name="javacOptions">Options before the usual -nowarn -implicit:none -encoding UTF-8.</param>
public sealed class CompiledJavaSource(string sourcePath, string className, string cacheName, params string[] javacOptions) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _compiled;

    public string SourcePath => sourcePath;

    public void Dispose() => _gate.Dispose();

    /// <summary>The directory holding the compiled classes (for the class path).</summary>
    public async Task<string> CompileAsync()
    {
        if (_compiled is { } done)
        {
            return done;
        }

        await _gate.WaitAsync();
        try
        {
            if (_compiled is { } again)
            {
                return again;
            }

            var zk = ZooKeeperAvailability.Require();
            var source = await File.ReadAllBytesAsync(sourcePath);
            var key = Convert.ToHexStringLower(SHA256.HashData(source.Concat(Encoding.UTF8.GetBytes(zk.ClassPath())).ToArray()))[..16];
            var target = Path.Combine(Path.GetTempPath(), cacheName, key);
            if (!File.Exists(Path.Combine(target, className + ".class")))
            {
                var staging = target + "." + Guid.NewGuid().ToString("N");
                Directory.CreateDirectory(staging);
                var result = await ProcessRunner.RunAsync(zk.JavacPath,
                    ["-nowarn", .. javacOptions, "-implicit:none", "-encoding", "UTF-8", "-cp", zk.ClassPath(), "-d", staging, sourcePath],
                    stdin: null, TimeSpan.FromMinutes(3));
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"javac {Path.GetFileName(sourcePath)} failed:\n{result}");
                }

                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (File.Exists(Path.Combine(target, className + ".class")))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }

            _compiled = target;
            return target;
        }
        finally
        {
            _gate.Release();
        }
    }
}
