package io.shadow.mitigation.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

/**
 * The web UI: static HTML and JavaScript under {@code /ui/}, talking to this API with the token
 * the user enters (kept in the browser's session storage). The pages need no token to load; every
 * call they make does.
 */
final class WebUi {
    private WebUi() {
    }

    static void register(JavalinConfig cfg) {
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = "/ui";
            sf.directory = "/io/shadow/mitigation/ui";
            sf.location = Location.CLASSPATH;
            sf.headers = SecurityHeaders.uiFiles();
        });
        cfg.routes.get("/", ctx -> ctx.redirect("/ui/index.html"));
    }
}
