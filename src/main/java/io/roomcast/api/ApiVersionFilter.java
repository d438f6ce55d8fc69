package io.roomcast.api;

import io.roomcast.config.RoomcastVersion;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Writes Roomcast's version into the OpenAPI document's {@code info.version}: an annotation can only
 * hold a constant, and the version's one source is the build ({@link RoomcastVersion}). Named by
 * {@code mp.openapi.filter} in the WAR's META-INF/microprofile-config.properties.
 */
public class ApiVersionFilter implements OASFilter {

    /** What the annotation says in its place, seen only if the server ignored the filter. */
    static final String FROM_THE_BUILD = "set from the build by ApiVersionFilter";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getInfo() != null) {
            openAPI.getInfo().setVersion(RoomcastVersion.current());
        }
    }
}
