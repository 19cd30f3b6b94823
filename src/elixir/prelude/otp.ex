# OTP behaviours for modules typed into the console, written in the Elixir the console
# speaks. Loaded into every console before its first line (src/elixir/prelude.rs).

defmodule :redfour_gen_server do
  def init_it(mod, arg, parent, ref, name) do
    case register(name) do
      {:error, _} = error ->
        send(parent, {ref, error})

      :ok ->
        # `use GenServer` without init/1: Elixir injects `{:ok, init_arg}`
        case (if function_exported?(mod, :init, 1), do: mod.init(arg), else: {:ok, arg}) do
          {:ok, state} ->
            send(parent, {ref, {:ok, self()}})
            loop(mod, state)

          {:ok, state, _} ->
            send(parent, {ref, {:ok, self()}})
            loop(mod, state)

          {:stop, reason} ->
            send(parent, {ref, {:error, reason}})
            exit(reason)

          :ignore ->
            send(parent, {ref, :ignore})
            exit(:normal)

          other ->
            send(parent, {ref, {:error, {:bad_return_value, other}}})
            exit({:bad_return_value, other})
        end
    end
  end

  defp register(nil), do: :ok

  defp register({:via, module, name}) do
    case module.register_name(name, self()) do
      :yes -> :ok
      :no -> {:error, {:already_started, module.whereis_name(name)}}
    end
  end

  defp register(name) do
    case Process.whereis(name) do
      nil ->
        Process.register(self(), name)
        :ok

      pid ->
        {:error, {:already_started, pid}}
    end
  end

  def loop(mod, state) do
    :redfour.put_state(state)

    receive do
      message ->
        :redfour.got(message)
        handle(mod, message, state)
    end
  end

  defp handle(mod, message, state) do
    case message do
      {:"$gen_call", {pid, ref}, {:"$redfour_stop", reason}} ->
        terminate(mod, reason, state)
        send(pid, {ref, :ok})
        exit(reason)

      {:"$gen_call", {pid, ref} = from, request} ->
        case mod.handle_call(request, from, state) do
          {:reply, reply, new_state} ->
            send(pid, {ref, reply})
            loop(mod, new_state)

          {:reply, reply, new_state, _} ->
            send(pid, {ref, reply})
            loop(mod, new_state)

          {:noreply, new_state} ->
            loop(mod, new_state)

          {:stop, reason, reply, new_state} ->
            terminate(mod, reason, new_state)
            send(pid, {ref, reply})
            exit(reason)

          {:stop, reason, new_state} ->
            terminate(mod, reason, new_state)
            exit(reason)

          other ->
            exit({:bad_return_value, other})
        end

      {:"$gen_cast", request} ->
        noreply(mod, mod.handle_cast(request, state))

      _ ->
        if function_exported?(mod, :handle_info, 2) do
          noreply(mod, mod.handle_info(message, state))
        else
          :redfour.unexpected(mod, message)
          loop(mod, state)
        end
    end
  end

  defp noreply(mod, result) do
    case result do
      {:noreply, state} -> loop(mod, state)
      {:noreply, state, _} -> loop(mod, state)
      {:stop, reason, state} ->
        terminate(mod, reason, state)
        exit(reason)
      other -> exit({:bad_return_value, other})
    end
  end

  defp terminate(mod, reason, state) do
    if function_exported?(mod, :terminate, 2), do: mod.terminate(reason, state)
  end
end

defmodule GenServer do
  def start_link(module, arg, opts \\ []), do: start_it(module, arg, opts, :link)
  def start(module, arg, opts \\ []), do: start_it(module, arg, opts, :nolink)

  defp start_it(module, arg, opts, link) do
    parent = self()
    ref = make_ref()
    name = Keyword.get(opts, :name)
    :redfour.spawn_as(module, link, fn -> :redfour_gen_server.init_it(module, arg, parent, ref, name) end)

    receive do
      {^ref, result} -> result
    end
  end

  def reply({pid, ref}, reply) do
    send(pid, {ref, reply})
    :ok
  end

  def stop(server, reason \\ :normal, timeout \\ :infinity) do
    GenServer.call(server, {:"$redfour_stop", reason}, timeout)
  end

  def whereis(name) when is_atom(name), do: Process.whereis(name)
  def whereis(pid) when is_pid(pid), do: pid
end

defmodule Agent.Server do
  def init(fun), do: {:ok, fun.()}
  def handle_call({:get, fun}, _from, state), do: {:reply, fun.(state), state}
  def handle_call({:update, fun}, _from, state), do: {:reply, :ok, fun.(state)}

  def handle_call({:get_and_update, fun}, _from, state) do
    case fun.(state) do
      {reply, new_state} -> {:reply, reply, new_state}
      :pop -> {:reply, state, state}
    end
  end

  def handle_cast({:cast, fun}, state), do: {:noreply, fun.(state)}
end

defmodule Agent do
  def start_link(fun, opts \\ []), do: GenServer.start_link(Agent.Server, fun, opts)
  def start(fun, opts \\ []), do: GenServer.start(Agent.Server, fun, opts)
  def get(agent, fun, timeout \\ 5000), do: GenServer.call(agent, {:get, fun}, timeout)
  def update(agent, fun, timeout \\ 5000), do: GenServer.call(agent, {:update, fun}, timeout)

  def get_and_update(agent, fun, timeout \\ 5000) do
    GenServer.call(agent, {:get_and_update, fun}, timeout)
  end

  def cast(agent, fun) do
    GenServer.cast(agent, {:cast, fun})
    :ok
  end

  def stop(agent, reason \\ :normal, timeout \\ :infinity), do: GenServer.stop(agent, reason, timeout)

  def child_spec(arg), do: %{id: Agent, start: {Agent, :start_link, [arg]}}
end

defmodule Task do
  defstruct mfa: {:erlang, :apply, 2}, owner: nil, pid: nil, ref: nil

  def async(fun) do
    owner = self()
    pid = :redfour.spawn_task(:link, owner, fun, fn -> send(owner, {:"$redfour_task", self(), fun.()}) end)
    ref = Process.monitor(pid)
    %Task{owner: owner, pid: pid, ref: ref}
  end

  def await(%Task{pid: pid, ref: ref} = task, timeout \\ 5000) do
    receive do
      {:"$redfour_task", ^pid, result} ->
        Process.demonitor(ref, [:flush])
        result

      {:DOWN, ^ref, :process, _, reason} ->
        exit({reason, {Task, :await, [task, timeout]}})
    after
      timeout ->
        Process.demonitor(ref, [:flush])
        exit({:timeout, {Task, :await, [task, timeout]}})
    end
  end

  def yield(%Task{pid: pid, ref: ref}, timeout \\ 5000) do
    receive do
      {:"$redfour_task", ^pid, result} ->
        Process.demonitor(ref, [:flush])
        {:ok, result}

      {:DOWN, ^ref, :process, _, reason} ->
        {:exit, reason}
    after
      timeout -> nil
    end
  end

  def start(fun), do: {:ok, :redfour.spawn_task(:nolink, self(), fun, fun)}
  def start_link(fun), do: {:ok, :redfour.spawn_task(:link, self(), fun, fun)}
  def child_spec(arg), do: %{id: Task, restart: :temporary, start: {Task, :start_link, [arg]}}
end

defmodule Supervisor do
  def start_link(children, opts) when is_list(children), do: start_tree(children, opts)
  def start_link(module, arg), do: start_link(module, arg, [])

  def start_link(module, arg, opts) do
    case module.init(arg) do
      {:ok, {flags, children}} ->
        start_tree(children, Keyword.merge(Map.to_list(flags), opts))

      :ignore ->
        :ignore
    end
  end

  # each child as its module's child_spec/1 makes it (the store's native modules have none:
  # the runtime knows their defaults)
  defp start_tree(children, opts) do
    children =
      Enum.map(children, fn
        {module, arg} = child when is_atom(module) -> child_of(module, arg, child)
        module when is_atom(module) -> child_of(module, [], module)
        child -> child
      end)

    :redfour.start_supervisor(children, opts)
  end

  # the store's modules are the runtime's (no child_spec/1 here): the runtime starts them
  defp child_of(module, arg, child) do
    cond do
      function_exported?(module, :child_spec, 1) -> module.child_spec(arg)
      :redfour.runtime_module?(module) -> child
      true -> module_spec(module, arg)
    end
  end

  @child_keys [:id, :start, :restart, :shutdown, :type, :modules, :significant]

  # a child as a supervisor takes it (a module, {module, arg} or a map), with overrides
  def child_spec(child, overrides) do
    Enum.reduce(overrides, spec_of(child), fn {key, value}, spec ->
      if key in @child_keys do
        Map.put(spec, key, value)
      else
        raise ArgumentError, "unknown key #{inspect(key)} in child specification override"
      end
    end)
  end

  defp spec_of({module, arg}) when is_atom(module), do: module_spec(module, arg)
  defp spec_of(module) when is_atom(module), do: module_spec(module, [])
  defp spec_of(%{id: _, start: _} = spec), do: spec

  defp spec_of(other) do
    raise ArgumentError,
          "supervisors expect each child to be one of the following:\n\n  * a module\n  * a {module, arg} tuple\n  * a child specification as a map with at least the :id and :start fields\n  * or a tuple with 6 elements generated by Supervisor.Spec (deprecated)\n\nGot: #{inspect(other)}\n"
  end

  defp module_spec(module, arg) do
    cond do
      function_exported?(module, :child_spec, 1) ->
        module.child_spec(arg)

      Code.ensure_loaded?(module) ->
        raise ArgumentError,
              "The module #{inspect(module)} was given as a child to a supervisor but it does not implement child_spec/1.\n\nIf you own the given module, please define a child_spec/1 function that receives an argument and returns a child specification as a map."

      true ->
        raise ArgumentError,
              "The module #{inspect(module)} was given as a child to a supervisor but it does not exist."
    end
  end

  def init(children, opts) do
    flags = %{
      strategy: Keyword.get(opts, :strategy, :one_for_one),
      max_restarts: Keyword.get(opts, :max_restarts, 3),
      max_seconds: Keyword.get(opts, :max_seconds, 5)
    }

    {:ok, {flags, children}}
  end
end

# The child_spec/1 that `use GenServer`, `use Agent`, `use Task` and `use Supervisor` give a
# module, with the `use` options (`restart:`, `shutdown:`, `id:`) over the defaults.
defmodule :redfour_child do
  def spec(module, kind, opts, arg) do
    base = %{id: module, start: {module, :start_link, [arg]}}

    base =
      case kind do
        :supervisor -> Map.put(base, :type, :supervisor)
        :task -> Map.put(base, :restart, :temporary)
        _ -> base
      end

    Supervisor.child_spec(base, opts)
  end
end

# The child spec of a DynamicSupervisor (the rest of it is native: stdlib/otp.rs).
defmodule DynamicSupervisor do
  def child_spec(opts) do
    %{id: Keyword.get(opts, :name, DynamicSupervisor), start: {DynamicSupervisor, :start_link, [opts]}, type: :supervisor}
  end
end

# Task.Supervisor: a DynamicSupervisor of temporary tasks; `async` links the task to the
# caller and answers it as Task.async's do (`Task.await/2`).
defmodule Task.Supervisor do
  def start_link(opts \\ []), do: DynamicSupervisor.start_link(Keyword.put_new(opts, :strategy, :one_for_one))

  def child_spec(opts) do
    %{id: Keyword.get(opts, :name, Task.Supervisor), start: {Task.Supervisor, :start_link, [opts]}, type: :supervisor}
  end

  def async(supervisor, fun), do: async(supervisor, fun, true)
  def async(supervisor, module, fun, args), do: async(supervisor, fn -> apply(module, fun, args) end, true)
  def async_nolink(supervisor, fun), do: async(supervisor, fun, false)

  defp async(supervisor, fun, link) do
    owner = self()
    spec = %{id: Task, restart: :temporary, start: {Task.Supervisor, :run, [owner, fun, link]}}
    {:ok, pid} = DynamicSupervisor.start_child(supervisor, spec)
    ref = Process.monitor(pid)
    %Task{owner: owner, pid: pid, ref: ref}
  end

  def start_child(supervisor, fun, opts \\ []) do
    restart = Keyword.get(opts, :restart, :temporary)
    spec = %{id: Task, restart: restart, start: {Task.Supervisor, :start_task, [self(), fun]}}
    DynamicSupervisor.start_child(supervisor, spec)
  end

  @doc false
  def start_task(owner, fun), do: {:ok, :redfour.spawn_task(:link, owner, fun, fun)}

  def children(supervisor) do
    for {_, pid, _, _} <- DynamicSupervisor.which_children(supervisor), is_pid(pid), do: pid
  end

  def terminate_child(supervisor, pid), do: DynamicSupervisor.terminate_child(supervisor, pid)

  @doc false
  def run(owner, fun, link) do
    body = fn ->
      if link, do: Process.link(owner)
      send(owner, {:"$redfour_task", self(), fun.()})
    end

    {:ok, :redfour.spawn_task(:link, owner, fun, body)}
  end
end

# Logger as iex 1.14 prints it: `\nHH:MM:SS.mmm [level] message` in the console (and the
# trace), with the level set by Logger.configure(level: …) for the whole runtime. Functions
# here rather than macros, so it works with or without `require Logger`.
defmodule Logger do
  @levels [:debug, :info, :notice, :warning, :error, :critical, :alert, :emergency]

  def debug(message, metadata \\ []), do: log(:debug, message, metadata)
  def info(message, metadata \\ []), do: log(:info, message, metadata)
  def notice(message, metadata \\ []), do: log(:notice, message, metadata)
  def warning(message, metadata \\ []), do: log(:warning, message, metadata)
  def warn(message, metadata \\ []), do: log(:warning, message, metadata)
  def error(message, metadata \\ []), do: log(:error, message, metadata)
  def critical(message, metadata \\ []), do: log(:critical, message, metadata)
  def alert(message, metadata \\ []), do: log(:alert, message, metadata)
  def emergency(message, metadata \\ []), do: log(:emergency, message, metadata)

  def log(level, message, _metadata \\ []) do
    level = if level == :warn, do: :warning, else: level

    if compare_levels(level, level()) != :lt do
      text =
        case message do
          fun when is_function(fun, 0) ->
            case fun.() do
              {text, _metadata} -> text
              text -> text
            end

          text ->
            text
        end

      :redfour.log(level, IO.chardata_to_string(text))
    end

    :ok
  end

  def level, do: Application.get_env(:logger, :level, :debug)

  def configure(options) do
    case Keyword.fetch(options, :level) do
      {:ok, level} -> Application.put_env(:logger, :level, if(level == :warn, do: :warning, else: level))
      :error -> :ok
    end

    :ok
  end

  def metadata, do: Process.get(:"$logger_metadata", [])

  def metadata(keyword) do
    merged = Keyword.merge(metadata(), keyword) |> Enum.reject(fn {_, v} -> v == nil end)
    Process.put(:"$logger_metadata", merged)
    :ok
  end

  def reset_metadata(keyword \\ []) do
    Process.put(:"$logger_metadata", keyword)
    :ok
  end

  def compare_levels(same, same), do: :eq
  def compare_levels(_, :all), do: :gt
  def compare_levels(_, :none), do: :lt

  def compare_levels(left, right) do
    if rank(left) > rank(right), do: :gt, else: :lt
  end

  defp rank(level), do: Enum.find_index(@levels, &(&1 == level)) || 0
end
