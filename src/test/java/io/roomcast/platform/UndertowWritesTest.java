package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The completion of Undertow writes (no Undertow on the test class path: the callbacks are called here). */
class UndertowWritesTest {

    private final List<Throwable> done = new ArrayList<>();

    @Test
    void aBatchIsDoneWhenEachOfItsFramesIsWrittenEvenIfACallbackComesTwice() {
        UndertowWrites.Batch batch = new UndertowWrites.Batch(3, done::add);
        UndertowWrites.Part first = new UndertowWrites.Part(batch);
        UndertowWrites.Part second = new UndertowWrites.Part(batch);
        UndertowWrites.Part third = new UndertowWrites.Part(batch);
        first.written();
        first.written(); // Undertow's flushing listener can fire twice
        second.written();
        assertThat(done).isEmpty();
        third.written();
        assertThat(done).containsExactly((Throwable) null);
    }

    @Test
    void aBatchReportsItsFirstFailureOnceAndNothingAfter() {
        UndertowWrites.Batch batch = new UndertowWrites.Batch(3, done::add);
        UndertowWrites.Part first = new UndertowWrites.Part(batch);
        UndertowWrites.Part second = new UndertowWrites.Part(batch);
        UndertowWrites.Part third = new UndertowWrites.Part(batch);
        IOException broken = new IOException("broken pipe");
        first.written();
        second.failed(broken);
        third.failed(new IOException("closed"));
        third.written();
        assertThat(done).containsExactly(broken);
    }

    @Test
    void aFailureAfterTheBatchWasDoneIsIgnored() {
        UndertowWrites.Batch batch = new UndertowWrites.Batch(1, done::add);
        UndertowWrites.Part only = new UndertowWrites.Part(batch);
        only.written();
        only.failed(new IOException("late"));
        new UndertowWrites.Part(batch).failed(new IOException("stray"));
        assertThat(done).containsExactly((Throwable) null);
    }
}
