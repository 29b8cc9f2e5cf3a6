namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>What a schedule sends to.</summary>
public enum ScheduleTargetKind
{
    /// <summary>One session, by id.</summary>
    Session,

    /// <summary>The live session of a device, by device id, on any node.</summary>
    Device,

    /// <summary>Every online device with a tag.</summary>
    Tag,

    /// <summary>Every session of a listener.</summary>
    Listener,

    /// <summary>Every session of every listener.</summary>
    All,
}
