using System.Reflection;

namespace CoordAspire.Server;

/// <summary>Our own version, from the assembly's informational version (without a source-link commit suffix).</summary>
public static class ServerVersion
{
    public static readonly string Version = ReadVersion();

    private static string ReadVersion()
    {
        var assembly = typeof(ServerVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            int plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
