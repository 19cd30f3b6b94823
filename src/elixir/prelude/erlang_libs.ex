# Erlang's :maps and :timer as the Elixir guides use them, written for this console over
# Map and the virtual clock (fixture tests/fixtures/iex/erlang_maps_timer.exs).

defmodule :maps do
  def new(), do: %{}
  def get(key, map), do: Map.fetch!(map, key)
  def get(key, map, default) when is_map(map), do: Map.get(map, key, default)
  def get(_key, map, _default), do: raise(BadMapError, term: map)
  def find(key, map), do: Map.fetch(map, key)
  def is_key(key, map), do: Map.has_key?(map, key)
  def put(key, value, map), do: Map.put(map, key, value)
  def remove(key, map), do: Map.delete(map, key)
  def update(key, value, map), do: Map.replace!(map, key, value)
  def keys(map), do: Map.keys(map)
  def values(map), do: Map.values(map)
  def to_list(map), do: Map.to_list(map)
  def from_list(list), do: Map.new(list)
  def from_keys(keys, value), do: Map.from_keys(keys, value)
  def size(map), do: map_size(map)
  def merge(map1, map2), do: Map.merge(map1, map2)
  def merge_with(fun, map1, map2), do: Map.merge(map1, map2, fun)
  def with(keys, map), do: Map.take(map, keys)
  def without(keys, map), do: Map.drop(map, keys)

  def take(key, map) do
    case Map.fetch(map, key) do
      {:ok, value} -> {value, Map.delete(map, key)}
      :error -> :error
    end
  end

  def update_with(key, fun, map), do: Map.replace!(map, key, fun.(Map.fetch!(map, key)))
  def update_with(key, fun, init, map), do: Map.update(map, key, init, fun)
  def fold(fun, acc, map), do: Enum.reduce(map, acc, fn {k, v}, acc -> fun.(k, v, acc) end)
  def map(fun, map), do: Map.new(map, fn {k, v} -> {k, fun.(k, v)} end)
  def filter(pred, map), do: Map.filter(map, fn {k, v} -> pred.(k, v) end)
end

defmodule :timer do
  def seconds(s), do: s * 1000
  def minutes(m), do: m * 60_000
  def hours(h), do: h * 3_600_000
  def hms(h, m, s), do: hours(h) + minutes(m) + seconds(s)
  def sleep(ms), do: Process.sleep(ms)

  # microseconds of virtual time
  def tc(fun), do: timed(fn -> fun.() end)
  def tc(fun, args), do: timed(fn -> apply(fun, args) end)
  def tc(m, f, args), do: timed(fn -> apply(m, f, args) end)

  def send_after(ms, msg), do: send_after(ms, self(), msg)
  def send_after(ms, dest, msg), do: {:ok, {:send_local, Process.send_after(dest, msg, ms)}}

  def apply_after(ms, m, f, args) do
    ref = make_ref()

    spawn(fn ->
      Process.sleep(ms)
      apply(m, f, args)
    end)

    {:ok, {:once, ref}}
  end

  def cancel({:send_local, ref}) do
    Process.cancel_timer(ref)
    {:ok, :cancel}
  end

  def cancel(_), do: {:error, :badarg}

  defp timed(run) do
    t0 = :erlang.monotonic_time(:microsecond)
    value = run.()
    {:erlang.monotonic_time(:microsecond) - t0, value}
  end
end

# The clock functions of System, on the run's virtual clock.
defmodule System do
  def system_time(unit \\ :native), do: :erlang.system_time(unit)
  def os_time(unit \\ :native), do: :erlang.system_time(unit)
  def monotonic_time(unit \\ :native), do: :erlang.monotonic_time(unit)

  def convert_time_unit(time, from, to) do
    div(time * per_second(to), per_second(from))
  end

  defp per_second(:second), do: 1
  defp per_second(:millisecond), do: 1_000
  defp per_second(:microsecond), do: 1_000_000
  defp per_second(unit) when unit in [:nanosecond, :native], do: 1_000_000_000
  defp per_second(n) when is_integer(n) and n > 0, do: n
end
