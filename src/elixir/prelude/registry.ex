# Elixir's Registry, written for this console: a registry is a supervisor with one partition,
# a GenServer holding %{keys: :unique | :duplicate, entries: %{key => [{pid, value}]}} and
# monitoring every registered process, so its entries go when it dies. `{:via, Registry,
# {registry, key}}` names work in GenServer and Agent (the natives read the partition's
# state to find the pid). Fixture: tests/fixtures/iex/registry.exs.

defmodule Registry.Partition do
  use GenServer

  def start_link({name, keys}), do: GenServer.start_link(__MODULE__, keys, name: name)

  def init(keys), do: {:ok, %{keys: keys, entries: %{}, monitors: %{}}}

  def handle_call({:register, key, value, pid}, _from, state) do
    entries = Map.get(state.entries, key, [])

    if state.keys == :unique and entries != [] do
      [{owner, _} | _] = entries
      {:reply, {:error, {:already_registered, owner}}, state}
    else
      state = watch(state, pid)
      {:reply, {:ok, self()}, %{state | entries: Map.put(state.entries, key, entries ++ [{pid, value}])}}
    end
  end

  def handle_call({:unregister, key, pid}, _from, state) do
    {:reply, :ok, drop(state, key, pid)}
  end

  def handle_call({:lookup, key}, _from, state), do: {:reply, Map.get(state.entries, key, []), state}

  def handle_call({:keys, pid}, _from, state) do
    keys = for {key, entries} <- state.entries, Enum.any?(entries, fn {p, _} -> p == pid end), do: key
    {:reply, keys, state}
  end

  def handle_call(:count, _from, state) do
    {:reply, Enum.reduce(state.entries, 0, fn {_, e}, n -> n + length(e) end), state}
  end

  def handle_info({:DOWN, _ref, :process, pid, _reason}, state) do
    entries =
      for {key, e} <- state.entries,
          kept = Enum.reject(e, fn {p, _} -> p == pid end),
          kept != [],
          into: %{},
          do: {key, kept}

    {:noreply, %{state | entries: entries, monitors: Map.delete(state.monitors, pid)}}
  end

  def handle_info(_, state), do: {:noreply, state}

  defp watch(state, pid) do
    if Map.has_key?(state.monitors, pid) do
      state
    else
      %{state | monitors: Map.put(state.monitors, pid, Process.monitor(pid))}
    end
  end

  defp drop(state, key, pid) do
    case Enum.reject(Map.get(state.entries, key, []), fn {p, _} -> p == pid end) do
      [] -> %{state | entries: Map.delete(state.entries, key)}
      kept -> %{state | entries: Map.put(state.entries, key, kept)}
    end
  end
end

defmodule Registry do
  def start_link(opts) do
    keys = Keyword.get(opts, :keys)

    unless keys in [:unique, :duplicate] do
      raise ArgumentError,
            "expected :keys to be given and be one of :unique or :duplicate, got: #{inspect(keys)}"
    end

    name = Keyword.get(opts, :name)

    unless is_atom(name) and name != nil do
      raise ArgumentError, "expected :name to be given and to be an atom, got: #{inspect(name)}"
    end

    Supervisor.start_link([{Registry.Partition, {name, keys}}], strategy: :one_for_all)
  end

  def child_spec(opts) do
    %{id: Keyword.get(opts, :name, Registry), start: {Registry, :start_link, [opts]}, type: :supervisor}
  end

  def register(registry, key, value), do: call(registry, {:register, key, value, self()})
  def unregister(registry, key), do: call(registry, {:unregister, key, self()})
  def lookup(registry, key), do: call(registry, {:lookup, key})
  def keys(registry, pid), do: call(registry, {:keys, pid})
  def count(registry), do: call(registry, :count)

  def dispatch(registry, key, fun) do
    case lookup(registry, key) do
      [] -> :ok
      entries -> fun.(entries)
    end

    :ok
  end

  # the {:via, Registry, {registry, key}} protocol
  def whereis_name({registry, key}) do
    case lookup(registry, key) do
      [{pid, _} | _] -> pid
      [] -> :undefined
    end
  end

  def register_name({registry, key}, pid) do
    case call(registry, {:register, key, nil, pid}) do
      {:ok, _} -> :yes
      {:error, _} -> :no
    end
  end

  def unregister_name({registry, key}) do
    call(registry, {:unregister, key, self()})
    :ok
  end

  def send({registry, key}, msg) do
    case whereis_name({registry, key}) do
      :undefined -> :erlang.error(:badarg)
      pid -> Kernel.send(pid, msg)
    end
  end

  defp call(registry, request) do
    case Process.whereis(registry) do
      nil -> raise ArgumentError, "unknown registry: #{inspect(registry)}"
      pid -> GenServer.call(pid, request)
    end
  end
end
