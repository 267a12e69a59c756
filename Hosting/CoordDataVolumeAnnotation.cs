namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The ensemble keeps each member's data beyond its process or container (<see cref="CoordEnsembleBuilderExtensions.WithDataVolume"/>):
/// locally a directory per member under <see cref="LocalRoot"/>; published, a named volume per member
/// (<c>node1-data</c>…) mounted at the image's <c>/data</c>, or a volume claim per pod in Kubernetes.
/// </summary>
public sealed class CoordDataVolumeAnnotation(string localRoot) : IResourceAnnotation
{
    public string LocalRoot { get; } = localRoot;

    /// <summary>The published volume's name for a member: <c>node1-data</c>.</summary>
    public static string VolumeName(ProjectResource node) => $"{node.Name}-data";
}
