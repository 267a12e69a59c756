namespace CoordAspire.Protocol;

/// <summary>Znode path rules (<c>PathUtils.validatePath</c>) and the small path arithmetic both ends need.</summary>
public static class ZnodePath
{
    /// <summary>
    /// Why <paramref name="path"/> is not a valid znode path, or null when it is. The server answers a request
    /// with such a path BADARGUMENTS, as ZooKeeper's PrepRequestProcessor does.
    /// </summary>
    public static string? Validate(string? path, bool isSequential = false)
    {
        if (path is null)
        {
            return "Path cannot be null";
        }

        // A sequential create's path may end in '/': the suffix is appended before validation.
        if (isSequential)
        {
            path += "1";
        }

        if (path.Length == 0)
        {
            return "Path length must be > 0";
        }

        if (path[0] != '/')
        {
            return "Path must start with / character";
        }

        if (path.Length == 1)
        {
            return null;
        }

        if (path[^1] == '/')
        {
            return "Path must not end with / character";
        }

        char last = '/';
        for (int i = 1; i < path.Length; last = path[i], i++)
        {
            char c = path[i];
            if (c == '\0')
            {
                return $"Invalid path string \"{path}\" caused by null character not allowed @{i}";
            }

            if (c == '/' && last == '/')
            {
                return $"Invalid path string \"{path}\" caused by empty node name specified @{i}";
            }

            if (c == '.' && last == '.')
            {
                if (path[i - 2] == '/' && (i + 1 == path.Length || path[i + 1] == '/'))
                {
                    return $"Invalid path string \"{path}\" caused by relative paths not allowed @{i}";
                }
            }
            else if (c == '.')
            {
                if (path[i - 1] == '/' && (i + 1 == path.Length || path[i + 1] == '/'))
                {
                    return $"Invalid path string \"{path}\" caused by relative paths not allowed @{i}";
                }
            }
            else if ((c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009F') || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0')
            {
                return $"Invalid path string \"{path}\" caused by invalid character @{i}";
            }
        }

        return null;
    }

    /// <summary>The parent of a valid path; the root's parent is the empty string, as in ZooKeeper.</summary>
    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? (path.Length > 1 ? "/" : "") : path[..slash];
    }

    /// <summary>The last segment of a valid path.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Join(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or below it.</summary>
    public static bool IsAtOrBelow(string path, string ancestor) =>
        ancestor == "/" || path == ancestor || (path.Length > ancestor.Length && path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] == '/');
}
