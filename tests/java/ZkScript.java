/*
 * ZkScript — run one line-oriented script against a ZooKeeper-compatible server through the
 * real Apache ZooKeeper 3.8 Java client, printing normalized results that can be diffed between
 * Apache ZooKeeper and CoordAspire.
 *
 *   javac -cp /usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar -d tests/java/out tests/java/ZkScript.java
 *   java -cp tests/java/out:/usr/share/java/zookeeper.jar:... ZkScript CONNECT [--raw] [--session-timeout=MS]
 *        [--connect-timeout=MS] < script.zks
 *
 * Exit codes: 0 script ran to its end (operations may have failed: failures are output, not errors);
 * 1 could not connect session A; 2 unknown command or malformed line (printed as "error ..." line).
 *
 * ── Script language ──────────────────────────────────────────────────────────────────────────────
 * One command per line; blank lines are skipped; lines starting with '#' are echoed verbatim.
 * Every other line is echoed as "> LINE", followed by its result line(s). Tokens split on blanks;
 * "double quotes" group a token (escapes \n \t \r \\ \" \xHH; text is UTF-8); a quoted token is never an option.
 * A line may start with "@S " to run in session S (default A, opened at start on CONNECT).
 *
 * DATA:  word | "quoted text" | hex:0a0b | null (null byte[]) | "" (empty) | size:N (N bytes 'x')
 * ACL:   comma list of scheme:id:perms, perms from cdrwa (may be empty). digest:user:pass:perms
 *        hashes the password (DigestAuthenticationProvider); ip:127.0.0.1:r; auth::cdrwa; world:anyone:r.
 *        Aliases: open (OPEN_ACL_UNSAFE), creator (CREATOR_ALL_ACL), read (READ_ACL_UNSAFE); acl= is [].
 * MODE:  PERSISTENT EPHEMERAL PERSISTENT_SEQUENTIAL EPHEMERAL_SEQUENTIAL CONTAINER PERSISTENT_WITH_TTL
 *        PERSISTENT_SEQUENTIAL_WITH_TTL (case-insensitive; short p e ps es c t pst)
 * WATCH: flag "watch" = the session's default watcher; "watch=NAME" = a named Watcher object.
 *
 *  create PATH [DATA] [mode=M] [acl=ACL] [ttl=MS]  -> ok /created/path          (create / createTTL)
 *  create2 PATH [DATA] [mode=M] [acl=ACL] [ttl=MS] -> ok /created/path STAT     (create with Stat)
 *  delete PATH [VERSION]                            -> ok                        (VERSION default -1)
 *  exists PATH [WATCH]                              -> stat STAT | none
 *  get PATH [WATCH]                                 -> data DATA STAT
 *  set PATH DATA [VERSION]                          -> ok STAT
 *  getacl PATH [sorted]                             -> acl [ACL...] STAT  (server order; sorted: when the server
 *                                                     built the list from a session's auth set, e.g. auth::)
 *  setacl PATH ACL [VERSION]                        -> ok STAT
 *  ls PATH [WATCH]                                  -> children [a, b]   (sorted: server order is a hash set)
 *  ls2 PATH [WATCH]                                 -> children [a, b] STAT
 *  count PATH                                       -> count N           (getAllChildrenNumber)
 *  ephemerals [PREFIX]                              -> ephemerals [/p, /q] (sorted)
 *  sync PATH                                        -> ok | err CODE
 *  getconfig [WATCH]                                -> data DATA STAT
 *  multi OP ; OP ; ...        OP = create PATH [DATA] [opts] | delete PATH [V] | set PATH DATA [V] | check PATH V
 *                                  | get PATH | ls PATH     (reads only -> multiRead; mixing -> client-error)
 *  begin / OP lines / end     the same as one multi line
 *                                   -> ok | err CODE, then "  [i] RESULT" per op (create P [STAT] | delete |
 *                                      set STAT | check | data DATA STAT | children [..] | err CODE)
 *  addwatch PATH PERSISTENT|PERSISTENT_RECURSIVE [watch=NAME]  -> ok
 *  removewatches PATH DATA|CHILDREN|ANY [local] [watch=NAME]   -> ok   (default: the default watcher)
 *  removeallwatches PATH DATA|CHILDREN|ANY [local]             -> ok
 *  addauth SCHEME AUTH                              -> ok                  (e.g. addauth digest user:pass)
 *  whoami                                           -> whoami [scheme:user, ...] (sorted: the server keeps a set)
 *  open S [timeout=MS] [chroot=/p]                  -> ok timeout=NEGOTIATED  (a closed name may be reused)
 *  close [S]                                        -> ok     (closeSession; later events of S are dropped)
 *  disconnect [S]                                   -> ok     (drop the instance without closeSession)
 *  reconnect [S] [timeout=MS]                       -> ok connected | ok expired  (new ZooKeeper with S's id+password)
 *  expire [S]                                       -> ok expired  (S's instance is dropped, another instance takes
 *                                                     S's id and closes it, a third one reports Expired)
 *  dropconn [S] [nowait]                            -> ok reconnected | ok  (close S's socket; the same client
 *                                                     re-attaches and re-sends its watches with SetWatches)
 *  sleep MS                                         -> ok
 *  events [S] [sorted]                              -> "event S[:W] TYPE STATE PATH" lines | no events; then clears.
 *                                                     sorted: per session by text, for events whose order the
 *                                                     protocol leaves open (e.g. the deletes of a closing session)
 *  waitevents N TIMEOUTMS                           -> ok | timeout have=K   (counts @S's events, else all sessions')
 *  waitgone PATH TIMEOUTMS / waitexists PATH TIMEOUTMS -> ok | timeout
 *  option raw on|off        print raw stats (zxids, times, owners in hex): for debugging, never golden
 *  option zxids chain|labels  labels adds z=cz,mz,pz as labels z1,z2.. numbered by first appearance this run
 *
 * Errors: KeeperException -> "err CODE" (KeeperException.Code name); client-side exceptions (e.g. bad
 * path, TTL mode without ttl) -> "client-error SimpleClassName".
 *
 * ── What is comparable between two servers (normalization) ───────────────────────────────────────
 * STAT prints as [v=version cv=cversion av=aversion own=OWNER len=dataLength nc=numChildren zx=CHAIN t=TIME]
 *  - version/cversion/aversion/dataLength/numChildren are protocol semantics: printed raw.
 *  - OWNER: 0 | =S (a session of this run) | ? (a session id not opened by this run). Session ids differ.
 *    Apache 3.8 shows 0 for CONTAINER and TTL nodes (DataNode.copyStat hides its internal marker); a server
 *    that leaks the marker prints "container" or "ttl=MS" here and so shows up in a diff.
 *  - zxids: absolute values depend on how many transactions a server logged before (session creation and
 *    closing are transactions, epochs differ), so they are never printed. Their ORDER within one stat is
 *    semantics: CHAIN sorts c(zxid) m(zxid) p(zxid) by value, joined with = or <, e.g. c=m=p (fresh node),
 *    c=m<p (children changed since), c<m=p (a multi changed data and children together).
 *    With "option zxids labels" also z=L,L,L: equal zxids across stats get equal labels (e.g. all ops of
 *    one multi share one zxid); labels only encode equality, numbered in order of first appearance, so they
 *    match between servers exactly when the equality pattern of the printed zxids matches. Off by default:
 *    a script opts in where cross-stat equality is the point.
 *  - ctime/mtime are wall clock: t=zero if both are 0 (root, /zookeeper), t=c0 if only ctime is 0 (such a
 *    node modified since), t=ok if ctime <= mtime and both lie near this run's wall clock, else t=BAD(...).
 *    Whether mtime==ctime depends on the millisecond, so it is not printed.
 *  - child lists, getEphemerals and whoami are sorted (servers keep sets); ACL lists keep server order.
 *  - Watch events are printed per session in arrival order; before printing, "events" makes one round trip
 *    on each live session so that every notification the server sent before it has been delivered.
 *    One WatchedEvent delivered to several Watcher objects arrives in hash-set order, so adjacent events
 *    that differ only in watcher name are sorted by name.
 */

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.ClientCnxn;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

public final class ZkScript {

    /** A malformed script line: printed as "error ...", exit code 2. */
    static final class ScriptError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScriptError(String msg) {
            super(msg);
        }
    }

    record Tok(String text, boolean quoted) { }

    record Ev(String session, String watcher, String type, String state, String path) { }

    /** Records WatchedEvents into the shared log while active; one per Watcher object we hand out. */
    final class Recorder implements Watcher {
        final String session;
        final String name; // null for the session's default watcher
        final Conn conn;

        Recorder(String session, String name, Conn conn) {
            this.session = session;
            this.name = name;
            this.conn = conn;
        }

        @Override
        public void process(WatchedEvent e) {
            if (name == null) {
                conn.onState(e.getState());
            }
            if (!conn.recording) {
                return;
            }
            synchronized (eventLock) {
                events.add(new Ev(session, name, e.getType().name(), e.getState().name(), e.getPath()));
                eventLock.notifyAll();
            }
        }
    }

    /** One ZooKeeper instance of a session; a reconnect replaces it, keeping the session's name. */
    final class Conn {
        final String session;
        final Recorder defaultWatcher;
        final Map<String, Recorder> named = new HashMap<>();
        volatile boolean recording = true;
        volatile Watcher.Event.KeeperState lastState;
        ZooKeeper zk;

        Conn(String session) {
            this.session = session;
            this.defaultWatcher = new Recorder(session, null, this);
        }

        synchronized void onState(Watcher.Event.KeeperState s) {
            lastState = s;
            notifyAll();
        }

        synchronized Watcher.Event.KeeperState awaitState(long timeoutMs, Watcher.Event.KeeperState... wanted)
                throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (lastState == null || !Arrays.asList(wanted).contains(lastState)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
            return lastState;
        }

        Recorder watcher(String name) {
            if (name == null) {
                return defaultWatcher;
            }
            return named.computeIfAbsent(name, n -> new Recorder(session, n, this));
        }
    }

    static final class Session {
        final String name;
        final String connectString;
        int requestedTimeout;
        boolean closed;
        long id;
        byte[] passwd;
        Conn conn;

        Session(String name, String connectString, int requestedTimeout) {
            this.name = name;
            this.connectString = connectString;
            this.requestedTimeout = requestedTimeout;
        }
    }

    private final String baseConnect;
    private final int defaultSessionTimeout;
    private final int connectTimeout;
    private final PrintStream out;
    private final long runStartMs = System.currentTimeMillis();
    private final Object eventLock = new Object();
    private final List<Ev> events = new ArrayList<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<Long, String> sessionNames = new HashMap<>();
    private final Map<Long, String> zxidLabels = new HashMap<>();
    private boolean raw;
    private boolean zxidLabelsOn;

    ZkScript(String connect, int sessionTimeout, int connectTimeout, boolean raw, PrintStream out) {
        this.baseConnect = connect;
        this.defaultSessionTimeout = sessionTimeout;
        this.connectTimeout = connectTimeout;
        this.raw = raw;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String connect = null;
        boolean raw = false;
        int sessionTimeout = 30000;
        int connectTimeout = 20000;
        for (String a : args) {
            if (a.equals("--raw")) {
                raw = true;
            } else if (a.startsWith("--session-timeout=")) {
                sessionTimeout = Integer.parseInt(a.substring(18));
            } else if (a.startsWith("--connect-timeout=")) {
                connectTimeout = Integer.parseInt(a.substring(18));
            } else if (connect == null && !a.startsWith("--")) {
                connect = a;
            } else {
                System.err.println("usage: ZkScript CONNECT [--raw] [--session-timeout=MS] [--connect-timeout=MS] < script");
                System.exit(2);
            }
        }
        if (connect == null) {
            System.err.println("usage: ZkScript CONNECT [--raw] [--session-timeout=MS] [--connect-timeout=MS] < script");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String l; (l = in.readLine()) != null; ) {
            lines.add(l);
        }
        System.exit(new ZkScript(connect, sessionTimeout, connectTimeout, raw, out).run(lines));
    }

    int run(List<String> lines) throws InterruptedException {
        try {
            if (!openSession("A", baseConnect, defaultSessionTimeout)) {
                out.println("error could not connect session A to " + baseConnect);
                return 1;
            }
        } catch (java.io.IOException e) {
            out.println("error could not connect session A: " + e);
            return 1;
        }
        int code = 0;
        try {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    out.println(line);
                    continue;
                }
                out.println("> " + line);
                List<Tok> toks = tokenize(line);
                String sessionName = "A";
                boolean explicitSession = false;
                if (toks.get(0).text.startsWith("@") && !toks.get(0).quoted) {
                    sessionName = toks.get(0).text.substring(1);
                    explicitSession = true;
                    toks = toks.subList(1, toks.size());
                    if (toks.isEmpty()) {
                        throw new ScriptError("missing command after @" + sessionName);
                    }
                }
                if (toks.get(0).text.equalsIgnoreCase("begin")) {
                    List<List<Tok>> ops = new ArrayList<>();
                    while (true) {
                        i++;
                        if (i >= lines.size()) {
                            throw new ScriptError("begin without end");
                        }
                        String l = lines.get(i).strip();
                        if (l.isEmpty() || l.startsWith("#")) {
                            continue;
                        }
                        out.println("> " + l);
                        if (l.equalsIgnoreCase("end")) {
                            break;
                        }
                        ops.add(tokenize(l));
                    }
                    multi(session(sessionName), ops);
                    continue;
                }
                execute(sessionName, explicitSession, toks);
            }
        } catch (ScriptError e) {
            out.println("error " + e.getMessage());
            System.err.println("ZkScript: " + e.getMessage());
            code = 2;
        }
        for (Session s : sessions.values()) {
            s.conn.recording = false;
            try {
                s.conn.zk.close(2000);
            } catch (RuntimeException e) {
                // closing is best effort
            }
        }
        return code;
    }

    // ── command dispatch ─────────────────────────────────────────────────────────────────────────

    void execute(String sessionName, boolean explicitSession, List<Tok> toks) throws InterruptedException {
        String cmd = toks.get(0).text.toLowerCase(Locale.ROOT);
        List<Tok> rest = toks.subList(1, toks.size());
        switch (cmd) {
            case "open" -> cmdOpen(rest);
            case "close", "disconnect", "reconnect", "expire", "dropconn" ->
                cmdSessionControl(cmd, sessionName, explicitSession, rest);
            case "sleep" -> {
                Args a = Args.parse(rest, 1, 1);
                Thread.sleep(a.longAt(0));
                out.println("ok");
            }
            case "events" -> {
                Args a = Args.parse(rest, 0, 2);
                boolean sort = false;
                String only = explicitSession ? sessionName : null;
                for (Tok t : a.pos) {
                    if (t.text.equals("sorted")) {
                        sort = true;
                    } else {
                        only = t.text;
                    }
                }
                cmdEvents(only, sort);
            }
            case "waitevents" -> {
                Args a = Args.parse(rest, 2, 2);
                cmdWaitEvents(explicitSession ? sessionName : null, a.intAt(0), a.longAt(1));
            }
            case "waitgone", "waitexists" -> {
                Args a = Args.parse(rest, 2, 2);
                cmdWaitNode(session(sessionName), a.str(0), cmd.equals("waitexists"), a.longAt(1));
            }
            case "option" -> {
                Args a = Args.parse(rest, 2, 2);
                switch (a.str(0).toLowerCase(Locale.ROOT) + " " + a.str(1).toLowerCase(Locale.ROOT)) {
                    case "raw on" -> raw = true;
                    case "raw off" -> raw = false;
                    case "zxids labels" -> zxidLabelsOn = true;
                    case "zxids chain" -> zxidLabelsOn = false;
                    default -> throw new ScriptError("unknown option: " + a.str(0) + " " + a.str(1));
                }
                out.println("ok");
            }
            case "multi" -> {
                List<List<Tok>> ops = new ArrayList<>();
                List<Tok> cur = new ArrayList<>();
                for (Tok t : rest) {
                    if (!t.quoted && t.text.equals(";")) {
                        ops.add(cur);
                        cur = new ArrayList<>();
                    } else {
                        cur.add(t);
                    }
                }
                if (!cur.isEmpty() || !ops.isEmpty()) {
                    ops.add(cur);
                }
                for (List<Tok> op : ops) {
                    if (op.isEmpty()) {
                        throw new ScriptError("empty op in multi");
                    }
                }
                multi(session(sessionName), ops);
            }
            default -> {
                Session s = session(sessionName);
                Runnable op = parseClientOp(cmd, rest, s);
                if (op == null) {
                    throw new ScriptError("unknown command: " + toks.get(0).text);
                }
                op.run();
            }
        }
    }

    interface ZkCall {
        void call() throws KeeperException, InterruptedException;
    }

    /** Wraps one client call so that KeeperExceptions and client-side exceptions print uniformly. */
    Runnable guarded(ZkCall c) {
        return () -> {
            try {
                c.call();
            } catch (KeeperException e) {
                out.println("err " + e.code().name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScriptError("interrupted");
            } catch (ScriptError e) {
                throw e;
            } catch (RuntimeException e) {
                out.println("client-error " + e.getClass().getSimpleName());
            }
        };
    }

    Runnable parseClientOp(String cmd, List<Tok> rest, Session s) {
        switch (cmd) {
            case "create":
            case "create2": {
                Args a = Args.parse(rest, 1, 2, "mode", "acl", "ttl");
                String path = a.str(0);
                byte[] data = a.pos.size() > 1 ? parseData(a.pos.get(1)) : new byte[0];
                CreateMode mode = parseMode(a.opt("mode", "PERSISTENT"));
                List<ACL> acl = parseAcl(a.opt("acl", "open"));
                String ttlText = a.opt("ttl", null);
                long ttl = ttlText == null ? -1 : parseLong(ttlText);
                boolean withStat = cmd.equals("create2");
                return guarded(() -> {
                    ZooKeeper zk = s.conn.zk;
                    if (withStat) {
                        Stat st = new Stat();
                        String p = zk.create(path, data, acl, mode, st, ttl);
                        out.println("ok " + p + " " + fmtStat(st));
                    } else if (ttlText != null || mode.isTTL()) {
                        out.println("ok " + zk.create(path, data, acl, mode, null, ttl));
                    } else {
                        out.println("ok " + zk.create(path, data, acl, mode));
                    }
                });
            }
            case "delete": {
                Args a = Args.parse(rest, 1, 2);
                int version = a.pos.size() > 1 ? a.intAt(1) : -1;
                return guarded(() -> {
                    s.conn.zk.delete(a.str(0), version);
                    out.println("ok");
                });
            }
            case "exists": {
                Args a = Args.parse(rest, 1, 1, "watch");
                return guarded(() -> {
                    Stat st = watchOf(a, s) != null
                        ? s.conn.zk.exists(a.str(0), watchOf(a, s))
                        : s.conn.zk.exists(a.str(0), false);
                    out.println(st == null ? "none" : "stat " + fmtStat(st));
                });
            }
            case "get": {
                Args a = Args.parse(rest, 1, 1, "watch");
                return guarded(() -> {
                    Stat st = new Stat();
                    byte[] d = watchOf(a, s) != null
                        ? s.conn.zk.getData(a.str(0), watchOf(a, s), st)
                        : s.conn.zk.getData(a.str(0), false, st);
                    out.println("data " + fmtData(d) + " " + fmtStat(st));
                });
            }
            case "getconfig": {
                Args a = Args.parse(rest, 0, 0, "watch");
                return guarded(() -> {
                    Stat st = new Stat();
                    byte[] d = watchOf(a, s) != null
                        ? s.conn.zk.getConfig(watchOf(a, s), st)
                        : s.conn.zk.getConfig(false, st);
                    out.println("data " + fmtData(d) + " " + fmtStat(st));
                });
            }
            case "set": {
                Args a = Args.parse(rest, 2, 3);
                byte[] data = parseData(a.pos.get(1));
                int version = a.pos.size() > 2 ? a.intAt(2) : -1;
                return guarded(() -> out.println("ok " + fmtStat(s.conn.zk.setData(a.str(0), data, version))));
            }
            case "getacl": {
                Args a = Args.parse(rest, 1, 2);
                boolean sort = a.pos.size() == 2 && a.str(1).equals("sorted");
                if (a.pos.size() == 2 && !sort) {
                    throw new ScriptError("getacl PATH [sorted]");
                }
                return guarded(() -> {
                    Stat st = new Stat();
                    List<ACL> acl = s.conn.zk.getACL(a.str(0), st);
                    out.println("acl " + (sort ? sorted(fmtAcl(acl)) : fmtAcl(acl)) + " " + fmtStat(st));
                });
            }
            case "setacl": {
                Args a = Args.parse(rest, 2, 3);
                List<ACL> acl = parseAcl(a.str(1));
                int version = a.pos.size() > 2 ? a.intAt(2) : -1;
                return guarded(() -> out.println("ok " + fmtStat(s.conn.zk.setACL(a.str(0), acl, version))));
            }
            case "ls":
            case "ls2": {
                Args a = Args.parse(rest, 1, 1, "watch");
                boolean withStat = cmd.equals("ls2");
                return guarded(() -> {
                    Watcher w = watchOf(a, s);
                    List<String> kids;
                    Stat st = withStat ? new Stat() : null;
                    if (withStat) {
                        kids = w != null ? s.conn.zk.getChildren(a.str(0), w, st) : s.conn.zk.getChildren(a.str(0), false, st);
                    } else {
                        kids = w != null ? s.conn.zk.getChildren(a.str(0), w) : s.conn.zk.getChildren(a.str(0), false);
                    }
                    out.println("children " + sorted(kids) + (withStat ? " " + fmtStat(st) : ""));
                });
            }
            case "count": {
                Args a = Args.parse(rest, 1, 1);
                return guarded(() -> out.println("count " + s.conn.zk.getAllChildrenNumber(a.str(0))));
            }
            case "ephemerals": {
                Args a = Args.parse(rest, 0, 1);
                return guarded(() -> out.println("ephemerals " + sorted(
                    a.pos.isEmpty() ? s.conn.zk.getEphemerals() : s.conn.zk.getEphemerals(a.str(0)))));
            }
            case "sync": {
                Args a = Args.parse(rest, 1, 1);
                return guarded(() -> {
                    CountDownLatch done = new CountDownLatch(1);
                    AtomicInteger rc = new AtomicInteger();
                    s.conn.zk.sync(a.str(0), (r, p, ctx) -> {
                        rc.set(r);
                        done.countDown();
                    }, null);
                    if (!done.await(connectTimeout, TimeUnit.MILLISECONDS)) {
                        out.println("err TIMEOUT");
                        return;
                    }
                    KeeperException.Code c = KeeperException.Code.get(rc.get());
                    out.println(c == KeeperException.Code.OK ? "ok" : "err " + c.name());
                });
            }
            case "addwatch": {
                Args a = Args.parse(rest, 2, 2, "watch");
                AddWatchMode mode = switch (a.str(1).toUpperCase(Locale.ROOT)) {
                    case "PERSISTENT" -> AddWatchMode.PERSISTENT;
                    case "PERSISTENT_RECURSIVE" -> AddWatchMode.PERSISTENT_RECURSIVE;
                    default -> throw new ScriptError("addwatch mode must be PERSISTENT or PERSISTENT_RECURSIVE");
                };
                return guarded(() -> {
                    s.conn.zk.addWatch(a.str(0), s.conn.watcher(a.opt("watch", null)), mode);
                    out.println("ok");
                });
            }
            case "removewatches":
            case "removeallwatches": {
                boolean all = cmd.equals("removeallwatches");
                Args a = all ? Args.parse(rest, 2, 2, "local") : Args.parse(rest, 2, 2, "local", "watch");
                Watcher.WatcherType type = switch (a.str(1).toUpperCase(Locale.ROOT)) {
                    case "DATA" -> Watcher.WatcherType.Data;
                    case "CHILDREN" -> Watcher.WatcherType.Children;
                    case "ANY" -> Watcher.WatcherType.Any;
                    default -> throw new ScriptError("watcher type must be DATA, CHILDREN or ANY");
                };
                boolean local = a.flags.contains("local");
                return guarded(() -> {
                    if (all) {
                        s.conn.zk.removeAllWatches(a.str(0), type, local);
                    } else {
                        s.conn.zk.removeWatches(a.str(0), s.conn.watcher(a.opt("watch", null)), type, local);
                    }
                    out.println("ok");
                });
            }
            case "addauth": {
                Args a = Args.parse(rest, 2, 2);
                return guarded(() -> {
                    s.conn.zk.addAuthInfo(a.str(0), a.str(1).getBytes(StandardCharsets.UTF_8));
                    out.println("ok");
                });
            }
            case "whoami": {
                Args.parse(rest, 0, 0);
                return guarded(() -> {
                    List<String> who = new ArrayList<>();
                    for (ClientInfo ci : s.conn.zk.whoAmI()) {
                        who.add(ci.getAuthScheme() + ":" + ci.getUser());
                    }
                    out.println("whoami " + sorted(who));
                });
            }
            default:
                return null;
        }
    }

    Watcher watchOf(Args a, Session s) {
        if (a.flags.contains("watch")) {
            return s.conn.defaultWatcher;
        }
        String name = a.opt("watch", null);
        return name == null ? null : s.conn.watcher(name);
    }

    // ── multi ────────────────────────────────────────────────────────────────────────────────────

    void multi(Session s, List<List<Tok>> opLines) {
        List<Op> ops = new ArrayList<>();
        for (List<Tok> t : opLines) {
            ops.add(parseOp(t));
        }
        guarded(() -> {
            List<OpResult> results;
            try {
                results = s.conn.zk.multi(ops);
                out.println("ok");
            } catch (KeeperException e) {
                out.println("err " + e.code().name());
                results = e.getResults();
                if (results == null) {
                    return;
                }
            }
            for (int i = 0; i < results.size(); i++) {
                out.println("  [" + i + "] " + fmtOpResult(results.get(i)));
            }
        }).run();
    }

    Op parseOp(List<Tok> t) {
        String kind = t.get(0).text.toLowerCase(Locale.ROOT);
        List<Tok> rest = t.subList(1, t.size());
        switch (kind) {
            case "create": {
                Args a = Args.parse(rest, 1, 2, "mode", "acl", "ttl");
                byte[] data = a.pos.size() > 1 ? parseData(a.pos.get(1)) : new byte[0];
                CreateMode mode = parseMode(a.opt("mode", "PERSISTENT"));
                List<ACL> acl = parseAcl(a.opt("acl", "open"));
                String ttl = a.opt("ttl", null);
                return ttl == null ? Op.create(a.str(0), data, acl, mode) : Op.create(a.str(0), data, acl, mode, parseLong(ttl));
            }
            case "delete": {
                Args a = Args.parse(rest, 1, 2);
                return Op.delete(a.str(0), a.pos.size() > 1 ? a.intAt(1) : -1);
            }
            case "set": {
                Args a = Args.parse(rest, 2, 3);
                return Op.setData(a.str(0), parseData(a.pos.get(1)), a.pos.size() > 2 ? a.intAt(2) : -1);
            }
            case "check": {
                Args a = Args.parse(rest, 2, 2);
                return Op.check(a.str(0), a.intAt(1));
            }
            case "get": {
                Args a = Args.parse(rest, 1, 1);
                return Op.getData(a.str(0));
            }
            case "ls": {
                Args a = Args.parse(rest, 1, 1);
                return Op.getChildren(a.str(0));
            }
            default:
                throw new ScriptError("unknown multi op: " + t.get(0).text);
        }
    }

    String fmtOpResult(OpResult r) {
        if (r instanceof OpResult.CreateResult c) {
            return "create " + c.getPath() + (c.getStat() != null ? " " + fmtStat(c.getStat()) : "");
        } else if (r instanceof OpResult.DeleteResult) {
            return "delete";
        } else if (r instanceof OpResult.SetDataResult sd) {
            return "set " + fmtStat(sd.getStat());
        } else if (r instanceof OpResult.CheckResult) {
            return "check";
        } else if (r instanceof OpResult.GetDataResult gd) {
            return "data " + fmtData(gd.getData()) + " " + fmtStat(gd.getStat());
        } else if (r instanceof OpResult.GetChildrenResult gc) {
            return "children " + sorted(gc.getChildren());
        } else if (r instanceof OpResult.ErrorResult er) {
            return "err " + KeeperException.Code.get(er.getErr()).name();
        }
        return "unknown " + r.getClass().getSimpleName();
    }

    // ── sessions ─────────────────────────────────────────────────────────────────────────────────

    Session session(String name) {
        Session s = sessions.get(name);
        if (s == null) {
            throw new ScriptError("no session named " + name);
        }
        return s;
    }

    boolean openSession(String name, String connect, int timeout) throws java.io.IOException, InterruptedException {
        Session s = new Session(name, connect, timeout);
        Conn c = new Conn(name);
        c.zk = new ZooKeeper(connect, timeout, c.defaultWatcher);
        s.conn = c;
        sessions.put(name, s);
        Watcher.Event.KeeperState st = c.awaitState(connectTimeout, Watcher.Event.KeeperState.SyncConnected);
        if (st == null) {
            return false;
        }
        s.id = c.zk.getSessionId();
        s.passwd = c.zk.getSessionPasswd();
        sessionNames.put(s.id, name);
        return true;
    }

    void cmdOpen(List<Tok> rest) throws InterruptedException {
        Args a = Args.parse(rest, 1, 1, "timeout", "chroot");
        String name = a.str(0);
        if (sessions.containsKey(name) && !sessions.get(name).closed) {
            throw new ScriptError("session " + name + " is open; close it before opening it again");
        }
        sessions.remove(name);
        int timeout = a.opt("timeout", null) == null ? defaultSessionTimeout : (int) parseLong(a.opt("timeout", null));
        String connect = baseConnect + a.opt("chroot", "");
        try {
            if (!openSession(name, connect, timeout)) {
                out.println("err CONNECTIONLOSS");
                return;
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            sessions.remove(name);
            out.println("client-error " + e.getClass().getSimpleName());
            return;
        }
        out.println("ok timeout=" + sessions.get(name).conn.zk.getSessionTimeout());
    }

    void cmdSessionControl(String cmd, String sessionName, boolean explicitSession, List<Tok> rest)
            throws InterruptedException {
        Args a = Args.parse(rest, 0, 1, "timeout", "nowait");
        if (!a.pos.isEmpty()) {
            if (explicitSession) {
                throw new ScriptError("session given twice");
            }
            sessionName = a.str(0);
        }
        Session s = session(sessionName);
        Conn c = s.conn;
        switch (cmd) {
            case "close" -> {
                c.recording = false;
                s.closed = true;
                c.zk.close();
                out.println("ok");
            }
            case "disconnect" -> {
                c.recording = false;
                cnxn(c.zk).disconnect();
                out.println("ok");
            }
            case "reconnect" -> {
                c.recording = false;
                cnxn(c.zk).disconnect();
                if (a.opt("timeout", null) != null) {
                    s.requestedTimeout = (int) parseLong(a.opt("timeout", null));
                }
                Conn n = new Conn(s.name);
                try {
                    n.zk = new ZooKeeper(s.connectString, s.requestedTimeout, n.defaultWatcher, s.id, s.passwd);
                } catch (java.io.IOException e) {
                    out.println("client-error " + e.getClass().getSimpleName());
                    return;
                }
                s.conn = n;
                Watcher.Event.KeeperState st = n.awaitState(connectTimeout,
                    Watcher.Event.KeeperState.SyncConnected, Watcher.Event.KeeperState.Expired);
                out.println(st == null ? "timeout" : st == Watcher.Event.KeeperState.Expired ? "ok expired" : "ok connected");
            }
            case "expire" -> {
                // The classic way to expire a session on purpose: a second client attaches to the same
                // session id and password and closes it; the server ends the session right away. S's own
                // instance is stopped first so it cannot race to re-attach; a fresh instance then reports
                // Expired, as S would see on its next reconnect.
                c.recording = false;
                cnxn(c.zk).disconnect();
                Conn killer = new Conn(s.name);
                killer.recording = false;
                Conn n = new Conn(s.name);
                try {
                    killer.zk = new ZooKeeper(s.connectString, s.requestedTimeout, killer.defaultWatcher, s.id, s.passwd);
                    if (killer.awaitState(connectTimeout, Watcher.Event.KeeperState.SyncConnected,
                            Watcher.Event.KeeperState.Expired) == null) {
                        out.println("timeout");
                        return;
                    }
                    killer.zk.close();
                    n.zk = new ZooKeeper(s.connectString, s.requestedTimeout, n.defaultWatcher, s.id, s.passwd);
                } catch (java.io.IOException e) {
                    out.println("client-error " + e.getClass().getSimpleName());
                    return;
                }
                s.conn = n;
                Watcher.Event.KeeperState st = n.awaitState(connectTimeout,
                    Watcher.Event.KeeperState.SyncConnected, Watcher.Event.KeeperState.Expired);
                out.println(st == null ? "timeout" : st == Watcher.Event.KeeperState.Expired ? "ok expired" : "ok connected");
            }
            case "dropconn" -> {
                try {
                    Field f = ClientCnxn.class.getDeclaredField("sendThread");
                    f.setAccessible(true);
                    Object sendThread = f.get(cnxn(c.zk));
                    Method m = sendThread.getClass().getDeclaredMethod("testableCloseSocket");
                    m.setAccessible(true);
                    synchronized (c) {
                        c.lastState = null;
                    }
                    m.invoke(sendThread);
                } catch (ReflectiveOperationException e) {
                    throw new ScriptError("dropconn: " + e);
                }
                if (a.flags.contains("nowait")) {
                    out.println("ok");
                    return;
                }
                Watcher.Event.KeeperState st = c.awaitState(connectTimeout,
                    Watcher.Event.KeeperState.SyncConnected, Watcher.Event.KeeperState.Expired);
                out.println(st == null ? "timeout" : st == Watcher.Event.KeeperState.Expired ? "ok expired" : "ok reconnected");
            }
            default -> throw new ScriptError("unknown command: " + cmd);
        }
    }

    static ClientCnxn cnxn(ZooKeeper zk) {
        try {
            Field f = ZooKeeper.class.getDeclaredField("cnxn");
            f.setAccessible(true);
            return (ClientCnxn) f.get(zk);
        } catch (ReflectiveOperationException e) {
            throw new ScriptError("cannot reach ClientCnxn: " + e);
        }
    }

    /** Polls exists (without a watch, so no events) until the node is there or gone. */
    void cmdWaitNode(Session s, String path, boolean wantExists, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                if ((s.conn.zk.exists(path, false) != null) == wantExists) {
                    out.println("ok");
                    return;
                }
            } catch (KeeperException e) {
                out.println("err " + e.code().name());
                return;
            } catch (IllegalArgumentException e) {
                out.println("client-error " + e.getClass().getSimpleName());
                return;
            }
            if (System.currentTimeMillis() >= deadline) {
                out.println("timeout");
                return;
            }
            Thread.sleep(100);
        }
    }

    // ── events ───────────────────────────────────────────────────────────────────────────────────

    /** One round trip per live session: its reply is queued on the EventThread behind every event sent before it. */
    void barrier() throws InterruptedException {
        List<CountDownLatch> latches = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.conn.recording && s.conn.zk.getState().isConnected()) {
                CountDownLatch l = new CountDownLatch(1);
                s.conn.zk.exists("/", false, (rc, p, ctx, st) -> l.countDown(), null);
                latches.add(l);
            }
        }
        for (CountDownLatch l : latches) {
            l.await(connectTimeout, TimeUnit.MILLISECONDS);
        }
    }

    void cmdEvents(String only, boolean sort) throws InterruptedException {
        barrier();
        List<Ev> taken = new ArrayList<>();
        synchronized (eventLock) {
            for (var it = events.iterator(); it.hasNext(); ) {
                Ev e = it.next();
                if (only == null || e.session.equals(only)) {
                    taken.add(e);
                    it.remove();
                }
            }
        }
        List<String> order = new ArrayList<>(sessions.keySet());
        for (Ev e : taken) {
            if (!order.contains(e.session)) {
                order.add(e.session);
            }
        }
        int printed = 0;
        for (String sn : order) {
            List<Ev> mine = new ArrayList<>();
            for (Ev e : taken) {
                if (e.session.equals(sn)) {
                    mine.add(e);
                }
            }
            if (sort) {
                mine.sort((x, y) -> fmtEvent(x).compareTo(fmtEvent(y)));
            }
            // Runs of the same WatchedEvent fanned out to several watchers come in hash-set order.
            for (int i = 0; i < mine.size(); ) {
                int j = i + 1;
                while (j < mine.size() && sameEvent(mine.get(i), mine.get(j))) {
                    j++;
                }
                List<Ev> run = new ArrayList<>(mine.subList(i, j));
                run.sort((x, y) -> String.valueOf(x.watcher).compareTo(String.valueOf(y.watcher)));
                for (Ev e : run) {
                    out.println(fmtEvent(e));
                    printed++;
                }
                i = j;
            }
        }
        if (printed == 0) {
            out.println("no events");
        }
    }

    static String fmtEvent(Ev e) {
        return "event " + e.session + (e.watcher == null ? "" : ":" + e.watcher) + " "
            + e.type + " " + e.state + " " + (e.path == null ? "-" : e.path);
    }

    static boolean sameEvent(Ev a, Ev b) {
        return a.type.equals(b.type) && a.state.equals(b.state) && String.valueOf(a.path).equals(String.valueOf(b.path))
            && !String.valueOf(a.watcher).equals(String.valueOf(b.watcher));
    }

    void cmdWaitEvents(String only, int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (eventLock) {
            while (true) {
                int have = 0;
                for (Ev e : events) {
                    if (only == null || e.session.equals(only)) {
                        have++;
                    }
                }
                if (have >= n) {
                    out.println("ok");
                    return;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    out.println("timeout have=" + have);
                    return;
                }
                eventLock.wait(left);
            }
        }
    }

    // ── formatting ───────────────────────────────────────────────────────────────────────────────

    String fmtStat(Stat s) {
        if (raw) {
            return String.format("[czxid=0x%x mzxid=0x%x pzxid=0x%x ctime=%d mtime=%d v=%d cv=%d av=%d own=0x%x len=%d nc=%d]",
                s.getCzxid(), s.getMzxid(), s.getPzxid(), s.getCtime(), s.getMtime(), s.getVersion(), s.getCversion(),
                s.getAversion(), s.getEphemeralOwner(), s.getDataLength(), s.getNumChildren());
        }
        StringBuilder b = new StringBuilder();
        b.append("[v=").append(s.getVersion()).append(" cv=").append(s.getCversion()).append(" av=").append(s.getAversion())
            .append(" own=").append(fmtOwner(s.getEphemeralOwner())).append(" len=").append(s.getDataLength())
            .append(" nc=").append(s.getNumChildren()).append(" zx=").append(zxidChain(s));
        if (zxidLabelsOn) {
            b.append(" z=").append(label(s.getCzxid())).append(',').append(label(s.getMzxid())).append(',').append(label(s.getPzxid()));
        }
        b.append(" t=").append(fmtTimes(s.getCtime(), s.getMtime())).append(']');
        return b.toString();
    }

    static String zxidChain(Stat s) {
        long[] v = {s.getCzxid(), s.getMzxid(), s.getPzxid()};
        Integer[] idx = {0, 1, 2};
        Arrays.sort(idx, (x, y) -> v[x] != v[y] ? Long.compare(v[x], v[y]) : Integer.compare(x, y));
        String names = "cmp";
        StringBuilder b = new StringBuilder().append(names.charAt(idx[0]));
        for (int i = 1; i < 3; i++) {
            b.append(v[idx[i]] == v[idx[i - 1]] ? '=' : '<').append(names.charAt(idx[i]));
        }
        return b.toString();
    }

    String label(long zxid) {
        if (zxid == 0) {
            return "z0";
        }
        return zxidLabels.computeIfAbsent(zxid, z -> "z" + (zxidLabels.size() + 1));
    }

    /** zero: both 0 (the nodes a server is born with); c0: such a node modified since; ok: a normal node. */
    String fmtTimes(long ctime, long mtime) {
        if (ctime == 0 && mtime == 0) {
            return "zero";
        }
        long slack = TimeUnit.MINUTES.toMillis(10);
        long now = System.currentTimeMillis();
        boolean mtimeNow = mtime >= runStartMs - slack && mtime <= now + slack;
        if (ctime == 0 && mtimeNow) {
            return "c0";
        }
        boolean plausible = ctime >= runStartMs - slack && mtimeNow && ctime <= mtime;
        return plausible ? "ok" : "BAD(ctime=" + ctime + ",mtime=" + mtime + ")";
    }

    String fmtOwner(long owner) {
        if (raw) {
            return "0x" + Long.toHexString(owner);
        }
        if (owner == 0) {
            return "0";
        }
        if (owner == Long.MIN_VALUE) {
            return "container";
        }
        // EphemeralType.TTL: top byte 0xff, reserved bits (next two bytes) 0, TTL in the low 40 bits.
        if ((owner & 0xff00000000000000L) == 0xff00000000000000L && (owner & 0x00ffff0000000000L) == 0) {
            return "ttl=" + (owner & 0x000000ffffffffffL);
        }
        String n = sessionNames.get(owner);
        return n == null ? "?" : "=" + n;
    }

    static String fmtData(byte[] d) {
        if (d == null) {
            return "null";
        }
        if (d.length > 128) {
            CRC32 crc = new CRC32();
            crc.update(d);
            return String.format("<%d bytes crc32=%08x>", d.length, crc.getValue());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(d)).toString();
        } catch (CharacterCodingException e) {
            text = null;
        }
        if (text != null) {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    case '\r' -> b.append("\\r");
                    default -> {
                        if (Character.isISOControl(ch)) {
                            text = null;
                        }
                        b.append(ch);
                    }
                }
                if (text == null) {
                    break;
                }
            }
            if (text != null) {
                return b.append('"').toString();
            }
        }
        StringBuilder h = new StringBuilder("hex:");
        for (byte x : d) {
            h.append(String.format("%02x", x & 0xff));
        }
        return h.toString();
    }

    static List<String> fmtAcl(List<ACL> acl) {
        List<String> parts = new ArrayList<>();
        for (ACL a : acl) {
            parts.add(a.getId().getScheme() + ":" + a.getId().getId() + ":" + fmtPerms(a.getPerms()));
        }
        return parts;
    }

    static String fmtPerms(int p) {
        StringBuilder b = new StringBuilder();
        if ((p & ZooDefs.Perms.CREATE) != 0) {
            b.append('c');
        }
        if ((p & ZooDefs.Perms.DELETE) != 0) {
            b.append('d');
        }
        if ((p & ZooDefs.Perms.READ) != 0) {
            b.append('r');
        }
        if ((p & ZooDefs.Perms.WRITE) != 0) {
            b.append('w');
        }
        if ((p & ZooDefs.Perms.ADMIN) != 0) {
            b.append('a');
        }
        int known = ZooDefs.Perms.ALL;
        if ((p & ~known) != 0) {
            b.append("+0x").append(Integer.toHexString(p & ~known));
        }
        return b.toString();
    }

    static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }

    // ── parsing ──────────────────────────────────────────────────────────────────────────────────

    static List<Tok> tokenize(String line) {
        List<Tok> toks = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i++);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && i < n) {
                        char e = line.charAt(i++);
                        switch (e) {
                            case 'n' -> b.append('\n');
                            case 't' -> b.append('\t');
                            case 'r' -> b.append('\r');
                            case 'x' -> {
                                if (i + 2 > n) {
                                    throw new ScriptError("bad \\x escape");
                                }
                                b.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                                i += 2;
                            }
                            default -> b.append(e);
                        }
                    } else {
                        b.append(d);
                    }
                }
                if (!closed) {
                    throw new ScriptError("unterminated quote");
                }
                toks.add(new Tok(b.toString(), true));
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                toks.add(new Tok(line.substring(start, i), false));
            }
        }
        return toks;
    }

    /** Positional arguments, key=value options and bare flags of one command. */
    static final class Args {
        final List<Tok> pos = new ArrayList<>();
        final Map<String, String> opts = new HashMap<>();
        final List<String> flags = new ArrayList<>();

        /** Keys are the accepted option names; "watch", "local" and "nowait" are also accepted as bare flags. */
        static Args parse(List<Tok> toks, int minPos, int maxPos, String... keys) {
            Args a = new Args();
            List<String> ks = Arrays.asList(keys);
            for (Tok t : toks) {
                int eq = t.text.indexOf('=');
                if (!t.quoted && eq > 0 && ks.contains(t.text.substring(0, eq))) {
                    a.opts.put(t.text.substring(0, eq), t.text.substring(eq + 1));
                } else if (!t.quoted && ks.contains(t.text) && (t.text.equals("watch") || t.text.equals("local") || t.text.equals("nowait"))) {
                    a.flags.add(t.text);
                } else {
                    a.pos.add(t);
                }
            }
            if (a.pos.size() < minPos || a.pos.size() > maxPos) {
                throw new ScriptError("expected " + minPos + (maxPos != minPos ? ".." + maxPos : "")
                    + " arguments, got " + a.pos.size());
            }
            return a;
        }

        String str(int i) {
            return pos.get(i).text;
        }

        int intAt(int i) {
            return (int) parseLong(str(i));
        }

        long longAt(int i) {
            return parseLong(str(i));
        }

        String opt(String key, String dflt) {
            return opts.getOrDefault(key, dflt);
        }
    }

    static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ScriptError("not a number: " + s);
        }
    }

    static byte[] parseData(Tok t) {
        String s = t.text;
        if (t.quoted) {
            return s.getBytes(StandardCharsets.UTF_8); // binary data uses hex:, not escapes
        }
        if (s.equals("null")) {
            return null;
        }
        if (s.startsWith("hex:")) {
            String h = s.substring(4);
            if (h.length() % 2 != 0) {
                throw new ScriptError("odd hex length");
            }
            byte[] b = new byte[h.length() / 2];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
            }
            return b;
        }
        if (s.startsWith("size:")) {
            byte[] b = new byte[(int) parseLong(s.substring(5))];
            Arrays.fill(b, (byte) 'x');
            return b;
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static CreateMode parseMode(String m) {
        return switch (m.toUpperCase(Locale.ROOT)) {
            case "PERSISTENT", "P" -> CreateMode.PERSISTENT;
            case "EPHEMERAL", "E" -> CreateMode.EPHEMERAL;
            case "PERSISTENT_SEQUENTIAL", "PS", "S" -> CreateMode.PERSISTENT_SEQUENTIAL;
            case "EPHEMERAL_SEQUENTIAL", "ES" -> CreateMode.EPHEMERAL_SEQUENTIAL;
            case "CONTAINER", "C" -> CreateMode.CONTAINER;
            case "PERSISTENT_WITH_TTL", "T" -> CreateMode.PERSISTENT_WITH_TTL;
            case "PERSISTENT_SEQUENTIAL_WITH_TTL", "PST" -> CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
            default -> throw new ScriptError("unknown create mode: " + m);
        };
    }

    static List<ACL> parseAcl(String spec) {
        switch (spec.toLowerCase(Locale.ROOT)) {
            case "open" -> {
                return ZooDefs.Ids.OPEN_ACL_UNSAFE;
            }
            case "creator" -> {
                return ZooDefs.Ids.CREATOR_ALL_ACL;
            }
            case "read" -> {
                return ZooDefs.Ids.READ_ACL_UNSAFE;
            }
            case "" -> {
                return new ArrayList<>();
            }
            default -> { }
        }
        List<ACL> acl = new ArrayList<>();
        for (String part : spec.split(",")) {
            int first = part.indexOf(':');
            int last = part.lastIndexOf(':');
            if (first < 0 || first == last) {
                throw new ScriptError("ACL entry must be scheme:id:perms: " + part);
            }
            String scheme = part.substring(0, first);
            String id = part.substring(first + 1, last);
            int perms = 0;
            for (char c : part.substring(last + 1).toCharArray()) {
                perms |= switch (c) {
                    case 'c' -> ZooDefs.Perms.CREATE;
                    case 'd' -> ZooDefs.Perms.DELETE;
                    case 'r' -> ZooDefs.Perms.READ;
                    case 'w' -> ZooDefs.Perms.WRITE;
                    case 'a' -> ZooDefs.Perms.ADMIN;
                    default -> throw new ScriptError("unknown permission '" + c + "' in " + part);
                };
            }
            if (scheme.equals("digest") && id.indexOf(':') > 0) {
                try {
                    id = DigestAuthenticationProvider.generateDigest(id);
                } catch (NoSuchAlgorithmException e) {
                    throw new ScriptError("no SHA1: " + e);
                }
            }
            acl.add(new ACL(perms, new Id(scheme, id)));
        }
        return acl;
    }
}
