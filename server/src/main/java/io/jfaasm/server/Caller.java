package io.jfaasm.server;

/**
 * Who sent a request: the admin (the admin key, or anyone when keys are not required) or a user
 * (that user's key).
 *
 * @param user the user of the key, or null for the admin
 */
record Caller(String user) {
    static final Caller ADMIN = new Caller(null);

    boolean admin() {
        return user == null;
    }

    /** Refuses (403) a caller that is neither the admin nor {@code owner}. */
    void mayAct(String owner) {
        if (!admin() && !user.equals(owner)) {
            throw ApiError.forbidden("the key of user '" + user + "' cannot act for user '" + owner + "'");
        }
    }

    void mustBeAdmin() {
        if (!admin()) {
            throw ApiError.forbidden("only the admin key can do this");
        }
    }
}
