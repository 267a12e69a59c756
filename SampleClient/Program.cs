using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using CoordAspire.SampleClient;

// A worker that shows what a CoordAspire (or any ZooKeeper) user does: several can run side by side.
// Connection: ConnectionStrings:coord (the AppHost's WithReference sets it), e.g.
//   dotnet run --project SampleClient -- --ConnectionStrings:coord=127.0.0.1:2181
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddCoordClient("coord", settings => settings.WaitForConnectionOnStart = true);
builder.Services.AddSingleton(new SampleOptions(builder.Configuration["Sample:Name"] ?? $"worker-{Environment.ProcessId}"));
builder.Services.AddHostedService<Worker>();

await builder.Build().RunAsync();
