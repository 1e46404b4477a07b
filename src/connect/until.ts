/** A promise with a deadline, for waits that must end: the client is told something rather than left hanging. */

/** `promise`, or what `late` returns (or throws) once `deadline` passes first. */
export function until<T, L>(promise: Promise<T>, deadline: number, late: () => L): Promise<T | L> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (error) {
        reject(error);
      }
    }, Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
