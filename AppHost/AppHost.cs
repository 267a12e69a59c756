using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// node1..nodeN (EnsembleSize, 3 by default: `dotnet run --project AppHost -- --EnsembleSize=5`), each with its own
// data directory under AppHost/.data, and "coord": the connection string that lists every node's client endpoint.
var coord = builder.AddCoordEnsemble("coord", size: builder.Configuration.GetValue("EnsembleSize", 3));

builder.AddProject<Projects.CoordAspire_SampleClient>("sample")
    .WithReference(coord)
    .WaitFor(coord);

builder.Build().Run();
