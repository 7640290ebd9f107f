package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.Locale;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.i18n.I18NProvider;
import com.vaadin.flow.server.VaadinService;

/**
 * The notices a watched bean shows when nobody listens: a conflict, a refused save. Texts come
 * from the application's {@link I18NProvider} under {@code livesync.*} keys (see {@link Text}),
 * with the English text when it has none. At most one notice per bean is open. UI thread only.
 */
final class FormNotices implements Serializable {

    /** The translatable texts, with their keys and English defaults. */
    enum Text {
        CONFLICT("livesync.conflict", "This record was changed by someone else while you were editing it."),
        SAVE_CONFLICT("livesync.save-conflict", "This record was changed by someone else since you opened it. "
                + "Your edits are still in the form; nothing was saved."),
        SAVE_REMOVED("livesync.save-removed", "This record was deleted or moved elsewhere, so nothing was saved."),
        SAVE_IDENTITY_CHANGED("livesync.save-identity-changed", "Nothing was saved: saving would have changed "
                + "this record's identifier or moved it to another owner, which is not allowed. Your edits are still "
                + "in the form; restore the identifier and owner to save the rest."),
        SHOW_NEWEST("livesync.show-newest", "Show newest"),
        KEEP_EDITS("livesync.keep-edits-on-newest", "Apply my edits to newest"),
        KEEP_EDITING("livesync.keep-editing", "Keep editing"),
        CLOSE("livesync.close", "Close");

        final String key;
        final String english;

        Text(String key, String english) {
            this.key = key;
            this.english = english;
        }
    }

    private Notification open;

    /** Opens a notice for {@code bean}, closing the one opened before. */
    void show(Component owner, String className, Text message, WatchedBean<?> bean, boolean offerNewest) {
        if (open != null) {
            open.close();
            open.removeFromParent(); // at once, not when the client confirms the close
        }
        Notification notification = new Notification();
        notification.setPosition(Notification.Position.TOP_CENTER);
        notification.setDuration(0);
        HorizontalLayout content = new HorizontalLayout(new Span(text(owner, message)));
        if (offerNewest) {
            content.add(new Button(text(owner, Text.SHOW_NEWEST), e -> {
                bean.showNewest();
                notification.close();
            }), new Button(text(owner, Text.KEEP_EDITS), e -> {
                bean.keepEditsOnNewest();
                notification.close();
            }), new Button(text(owner, Text.KEEP_EDITING), e -> notification.close()));
        } else {
            content.add(new Button(text(owner, Text.CLOSE), e -> notification.close()));
        }
        notification.add(content);
        notification.addClassName(className);
        notification.open();
        open = notification;
    }

    /** The application's translation of {@code text} for the owner's locale, else the English one. */
    static String text(Component owner, Text text) {
        VaadinService service = VaadinService.getCurrent();
        I18NProvider provider = service == null ? null : service.getInstantiator().getI18NProvider();
        if (provider == null) {
            return text.english;
        }
        Locale locale = owner != null ? owner.getUI().map(UI::getLocale).orElse(Locale.getDefault()) : Locale.getDefault();
        String translated = provider.getTranslation(text.key, locale);
        return translated == null || translated.isBlank() || translated.equals(text.key)
                || translated.equals("!{" + text.key + "}!") ? text.english : translated;
    }
}
