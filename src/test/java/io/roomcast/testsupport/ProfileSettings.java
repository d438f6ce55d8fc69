package io.roomcast.testsupport;

import io.roomcast.config.RoomcastSettings;
import java.util.Map;
import java.util.Optional;

/**
 * A profile's settings as its server reads them: the profile's keys over the shipped defaults. A test
 * constant that mirrors a limit reads it here ({@code ProfileSettings.of(Profile.X).rateBurst()}), so
 * that the profile is its one source.
 */
public final class ProfileSettings {

    private ProfileSettings() {
    }

    public static RoomcastSettings of(Profile profile) {
        Map<String, String> settings = profile.settings();
        return RoomcastSettings.from(key -> Optional.ofNullable(settings.get(key)));
    }
}
