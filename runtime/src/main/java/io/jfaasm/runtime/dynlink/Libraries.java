package io.jfaasm.runtime.dynlink;

/** The libraries one call may dlopen: those of the user it runs for, and no one else's. */
@FunctionalInterface
public interface Libraries {
    /** The library of that name, or null. */
    SideModule find(String name);

    Libraries NONE = name -> null;
}
