package io.roomcast.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads the settings from MicroProfile Config once, at first use. */
@ApplicationScoped
public class SettingsProducer {

    // A record is final, so it cannot sit behind a client proxy: one shared instance instead.
    @Produces
    @Singleton
    RoomcastSettings settings() {
        Config config = ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader());
        return RoomcastSettings.from(key -> config.getOptionalValue(key, String.class));
    }

    @Produces
    @Singleton
    StoreSettings store() {
        Config config = ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader());
        return StoreSettings.from(key -> config.getOptionalValue(key, String.class));
    }
}
