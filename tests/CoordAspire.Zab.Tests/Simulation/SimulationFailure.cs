namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>An invariant broke in a simulated run; the message starts with the seed that replays it.</summary>
internal sealed class SimulationFailure(string message) : Exception(message);
