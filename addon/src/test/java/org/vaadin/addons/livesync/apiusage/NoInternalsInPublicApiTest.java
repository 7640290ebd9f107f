package org.vaadin.addons.livesync.apiusage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.LiveSync;

/**
 * Nothing under {@code internal} is reachable from the public API: no public or protected
 * constructor, method or field of a public type outside {@code internal} names an internal type
 * in its parameters, result, exceptions or generic bounds, and no such type extends or implements
 * one. So the internals can change without breaking an application.
 */
class NoInternalsInPublicApiTest {

    @Test
    void noPublicSignatureNamesAnInternalType() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(LiveSync.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> found = new ArrayList<>();
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (!name.contains(".internal.") && !name.endsWith("package-info") && !name.endsWith("module-info")) {
                    types.add(Class.forName(name, false, LiveSync.class.getClassLoader()));
                }
            }
        }
        for (Class<?> type : types) {
            if (!isApi(type)) {
                continue;
            }
            check(type.getGenericSuperclass(), type.getName() + " extends", found);
            for (Type implemented : type.getGenericInterfaces()) {
                check(implemented, type.getName() + " implements", found);
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                checkExecutable(type, constructor, found);
            }
            for (Method method : type.getDeclaredMethods()) {
                if (!method.isSynthetic() && !method.isBridge() && checkExecutable(type, method, found)) {
                    check(method.getGenericReturnType(), type.getName() + "." + method.getName() + " returns", found);
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (visible(field.getModifiers())) {
                    check(field.getGenericType(), type.getName() + "." + field.getName(), found);
                }
            }
        }
        assertThat(types).as("public types found").isNotEmpty();
        assertThat(found).as("public signatures that name internal types").isEmpty();
    }

    /** A public type whose enclosing types are public too. */
    private static boolean isApi(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Checks a constructor's or method's signature if an application can call it; returns whether it can. */
    private static boolean checkExecutable(Class<?> type, Executable executable, List<String> found) {
        if (!visible(executable.getModifiers())
                || Modifier.isProtected(executable.getModifiers()) && Modifier.isFinal(type.getModifiers())) {
            return false;
        }
        String where = type.getName() + "." + executable.getName();
        for (Type parameter : executable.getGenericParameterTypes()) {
            check(parameter, where + " takes", found);
        }
        for (Type thrown : executable.getGenericExceptionTypes()) {
            check(thrown, where + " throws", found);
        }
        for (TypeVariable<?> variable : executable.getTypeParameters()) {
            for (Type bound : variable.getBounds()) {
                check(bound, where + " <" + variable.getName() + ">", found);
            }
        }
        return true;
    }

    private static void check(Type type, String where, List<String> found) {
        switch (type) {
            case null -> { }
            case Class<?> c -> {
                Class<?> element = c;
                while (element.isArray()) {
                    element = element.getComponentType();
                }
                if (element.getName().startsWith("org.vaadin.addons.livesync.") && element.getName().contains(".internal.")) {
                    found.add(where + " " + element.getName());
                }
            }
            case ParameterizedType p -> {
                check(p.getRawType(), where, found);
                for (Type argument : p.getActualTypeArguments()) {
                    check(argument, where, found);
                }
            }
            case WildcardType w -> {
                for (Type bound : w.getUpperBounds()) {
                    check(bound, where, found);
                }
                for (Type bound : w.getLowerBounds()) {
                    check(bound, where, found);
                }
            }
            case GenericArrayType a -> check(a.getGenericComponentType(), where, found);
            default -> { } // a type variable: its bounds are checked where it is declared
        }
    }
}
