using System.Diagnostics;

namespace CoordAspire.AppHost.Tests;

/// <summary>The repository this test run was built from, and the AppHost it built, run as its README says.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CoordAspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no CoordAspire.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Debug or Release, as this test assembly was built (bin/&lt;configuration&gt;/net10.0/), so that
    /// <c>--no-build</c> finds the AppHost built with it.</summary>
    public static string BuildConfiguration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary><c>dotnet run --project AppHost --no-build -- args</c> from the repository root; fails with its output
    /// unless it exits 0.</summary>
    public static async Task RunAppHostAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "run", "--project", "AppHost", "--no-build", "-c", BuildConfiguration(), "--no-launch-profile", "--" }.Concat(args))
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"the AppHost exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
