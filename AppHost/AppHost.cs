using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// node1..nodeN (EnsembleSize, 3 by default: `dotnet run --project AppHost -- --EnsembleSize=5`) under "coord", the
// connection string that lists every node's client endpoint; each node keeps its data under AppHost/.data.
var coord = builder.AddCoordEnsemble<Projects.CoordAspire_Node>("coord", size: builder.Configuration.GetValue("EnsembleSize", 3))
    .WithDataVolume();

builder.AddProject<Projects.CoordAspire_SampleClient>("sample")
    .WithReference(coord)
    .WaitFor(coord);

builder.Build().Run();
