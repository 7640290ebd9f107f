package org.vaadin.addons.livesync.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Counts the SQL statements executed through its connections ({@code execute*} of every
 * {@link Statement}, a batch counting once per statement in it), by SQL text: the driver-level
 * count of what the application — here, the add-on — sends. Counting can be paused: connections
 * taken from the pool meanwhile are the pool's own, without the counting proxies and their cost.
 * Thread-safe.
 */
final class CountingDataSource implements DataSource {

    private final DataSource target;
    private final AtomicLong statements = new AtomicLong();
    private final Map<String, AtomicLong> bySql = new ConcurrentHashMap<>();
    private volatile boolean counting = true;

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** Whether connections taken from now on count their statements (default: yes). */
    void setCounting(boolean counting) {
        this.counting = counting;
    }

    /** Statements executed so far. */
    long statements() {
        return statements.get();
    }

    /** Statements executed so far, by SQL text (whitespace collapsed; {@link #shortSql} to print it). */
    Map<String, Long> bySql() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        bySql.forEach((sql, n) -> copy.put(sql, n.get()));
        return copy;
    }

    private void count(String sql, long n) {
        statements.addAndGet(n);
        String key = sql == null ? "?" : sql.replaceAll("\\s+", " ").trim();
        bySql.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    /** The first 120 characters of a statement: enough to tell them apart in a log line. */
    static String shortSql(String sql) {
        return sql.length() > 120 ? sql.substring(0, 120) : sql;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counting ? wrap(target.getConnection()) : target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return counting ? wrap(target.getConnection(username, password)) : target.getConnection(username, password);
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result = invoke(connection, method, args);
            if (result instanceof Statement statement) {
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                return wrap(statement, sql);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private Statement wrap(Statement statement, String preparedSql) {
        Class<?>[] interfaces = statement instanceof java.sql.CallableStatement
                ? new Class<?>[] {java.sql.CallableStatement.class}
                : statement instanceof java.sql.PreparedStatement
                ? new Class<?>[] {java.sql.PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        int[] batched = new int[1];
        String[] lastBatchSql = new String[1];
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("addBatch")) {
                batched[0]++;
                if (args != null && args.length == 1 && args[0] instanceof String s) {
                    lastBatchSql[0] = s;
                }
            } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
                count(preparedSql != null ? preparedSql : lastBatchSql[0], Math.max(1, batched[0]));
                batched[0] = 0;
            } else if (name.startsWith("execute")) {
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
                count(sql, 1);
            } else if (name.equals("getConnection")) {
                return proxy;
            }
            return invoke(statement, method, args);
        };
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), interfaces, handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
