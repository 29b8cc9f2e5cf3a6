using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>Registration of session recordings.</summary>
internal static class RecordingExtensions
{
    public static WebApplicationBuilder AddRecordings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<RecordingOptions>, RecordingOptionsValidator>();
        builder.Services.AddOptions<RecordingOptions>().BindConfiguration(RecordingOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Recordings>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Recordings>());
        return builder;
    }
}
