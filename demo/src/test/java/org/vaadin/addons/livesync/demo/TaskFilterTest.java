package org.vaadin.addons.livesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import org.vaadin.addons.livesync.demo.tasks.Task;
import org.vaadin.addons.livesync.demo.tasks.TaskFilter;
import org.vaadin.addons.livesync.demo.tasks.TaskPages;
import org.vaadin.addons.livesync.demo.tasks.TaskRepository;

/**
 * The board's filter predicate ({@link TaskFilter#matches}, which LiveSync asks instead of the
 * database) includes exactly the tasks the board's query includes, for titles with case, wildcards
 * and statuses an outside writer may store; and the board's order as Java compares it
 * ({@link TaskPages#comparator}) sorts them as the board's query does.
 */
class TaskFilterTest extends DemoTest {

    private static final long ORGANIZATION = 3;

    @Autowired
    TaskRepository tasks;

    private final List<Long> created = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        created.forEach(this::deleteTask);
        sql.sql("DELETE FROM organization WHERE id = ?").param(ORGANIZATION).update();
    }

    @Test
    void thePredicateIncludesExactlyWhatTheQueryIncludes() {
        sql.sql("INSERT INTO organization (id, name) VALUES (?, 'Filter test') ON CONFLICT DO NOTHING")
                .param(ORGANIZATION).update();
        String[][] rows = {{"Buy Milk", "open"}, {"buy milk 100%", "done"}, {"MILK_run", "DONE"},
                {"Milky way", "in progress"}, {"Pay 50% now", "open"}, {"a\\b path", "Done"}, {"Ölkanne", "open"}};
        for (String[] row : rows) {
            created.add(sql.sql("INSERT INTO task (organization_id, title, status) VALUES (?, ?, ?) RETURNING id")
                    .params(ORGANIZATION, row[0], row[1]).query(Long.class).single());
        }
        List<Task> all = tasks.findPage(ORGANIZATION, TaskFilter.NONE, PageRequest.of(0, 1_000));
        for (String text : List.of("", "milk", "MILK", "%", "_", "\\", "k_r", "ilk ", "ölk", "nothing")) {
            for (boolean hideDone : List.of(false, true)) {
                TaskFilter filter = new TaskFilter(text, hideDone);
                assertThat(all.stream().filter(filter::matches).map(Task::getTitle).collect(Collectors.toSet()))
                        .as("%s", filter)
                        .isEqualTo(tasks.findPage(ORGANIZATION, filter, PageRequest.of(0, 1_000)).stream()
                                .map(Task::getTitle).collect(Collectors.toSet()));
            }
        }
    }

    @Test
    void theComparatorOrdersAsTheQueryDoes() {
        sql.sql("INSERT INTO organization (id, name) VALUES (?, 'Order test') ON CONFLICT DO NOTHING")
                .param(ORGANIZATION).update();
        for (String title : List.of("apple", "Apple", "APPLE", "apple pie", "apple-pie", "Äpfel", "zebra", "Zoo",
                "ölkanne", "Ölkanne", "10 items", "9 items", "_under", " space", "straße", "strasse", "\uD83D\uDE00 smile",
                "\uFF21 wide", "émile", "Émile")) {
            created.add(sql.sql("INSERT INTO task (organization_id, title) VALUES (?, ?) RETURNING id")
                    .params(ORGANIZATION, title).query(Long.class).single());
        }
        for (SortDirection direction : SortDirection.values()) {
            List<QuerySortOrder> sort = List.of(new QuerySortOrder(TaskPages.TITLE, direction));
            Sort order = TaskPages.withDefaultOrder(direction == SortDirection.ASCENDING
                    ? Sort.by(TaskPages.TITLE).ascending() : Sort.by(TaskPages.TITLE).descending());
            List<Task> database = tasks.findPage(ORGANIZATION, TaskFilter.NONE, PageRequest.of(0, 1_000, order));
            List<Task> java = new ArrayList<>(database);
            java.sort(TaskPages.comparator(sort));
            assertThat(java).extracting(Task::getTitle).as("%s", direction)
                    .containsExactlyElementsOf(database.stream().map(Task::getTitle).toList());
        }
        assertThat(TaskPages.comparator(List.of(new QuerySortOrder("status", SortDirection.ASCENDING))))
                .as("the database's collation orders statuses").isNull();
    }
}
