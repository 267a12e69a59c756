namespace CoordAspire.SampleClient;

/// <summary>Who this worker is in the story: its name in the registry, the election and the logs.</summary>
public sealed record SampleOptions(string Name)
{
    public const string Root = "/sample";

    public const string ConfigPath = Root + "/config";
}
