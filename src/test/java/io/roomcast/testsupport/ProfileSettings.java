package io.roomcast.testsupport;

import io.roomcast.config.RoomcastSettings;
import java.util.Map;
import java.util.Optional;

/**
 * A profile's settings as its server reads them, defaults included: the one source for a test constant
 * that mirrors a setting (a text bound, a burst, an allowed origin).
 */
public final class ProfileSettings {

    private ProfileSettings() {
    }

    public static RoomcastSettings of(Profile profile) {
        Map<String, String> settings = profile.settings();
        return RoomcastSettings.from(key -> Optional.ofNullable(settings.get(key)));
    }
}
