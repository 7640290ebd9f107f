package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** Table references as SQL writes them become names as PostgreSQL stores them. */
class TableNameTest {

    @Test
    void unquotedNamesFoldToLowerCaseAndTakeTheDefaultSchema() {
        assertThat(TableName.parse("ProjectMember", "public")).isEqualTo(new TableName("public", "projectmember"));
        assertThat(TableName.parse("App.Task", "public")).isEqualTo(new TableName("app", "task"));
    }

    @Test
    void quotedNamesKeepTheirCaseDotsAndEscapedQuotes() {
        assertThat(TableName.parse("\"My App\".\"Task.V2\"", "public")).isEqualTo(new TableName("My App", "Task.V2"));
        assertThat(TableName.parse("\"say \"\"hi\"\"\"", "s")).isEqualTo(new TableName("s", "say \"hi\""));
    }

    @Test
    void catalogIsIgnored() {
        assertThat(TableName.parse("livesync.public.task", "x")).isEqualTo(new TableName("public", "task"));
    }

    @Test
    void malformedReferencesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse("", "public"));
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse("a.", "public"));
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse("\"open", "public"));
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.parse("a.b.c.d", "public"));
        assertThatIllegalArgumentException().isThrownBy(() -> TableName.identifier("a.b"));
    }
}
